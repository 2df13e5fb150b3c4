/**
 * History independence: the instance's policy read, and written by one writer, on its
 * short history, then again after the history has grown by many events. Nothing on a
 * request's path reads history (a read is one document lookup; a write reads the
 * aggregate's last sequence through an index), so each ratio to the short history's run
 * should be about 1.
 */
import type { EngineRun } from "../engine-run.js";
import { factorToggles } from "../factor-toggles.js";
import { lengthenInstanceHistory } from "../long-history.js";
import type { Measured } from "../measurement.js";
import { adminPolicyRead } from "../policy-reads.js";
import type { Row } from "../row.js";

const READ = "GetLoginPolicy (Admin)";
const WRITE = "Add/Remove 2nd factor: instance, 1 writer";

export async function historyScenarios(run: EngineRun): Promise<Row[]> {
  const read = () => adminPolicyRead(run.service, "grpc");
  const write = () => factorToggles(run.service, [{ policy: { service: "admin" }, factor: "SECOND_FACTOR_TYPE_OTP_SMS" }]);
  // The reads come next to each other, on each side of the lengthening, so that they are
  // the least far apart in time (and in whatever else the machine does) that they can be.
  const shortWrite = await run.measure(run.subject(`${WRITE}, short history`, "grpc", await write(), 1));
  const shortRead = await run.measure(run.subject(`${READ}, short history`, "grpc", read()));
  process.stderr.write(`${run.engine.name} · adding ${run.options.historyEvents} events to the instance's history\n`);
  const { before, after } = await lengthenInstanceHistory(run.databaseUrl, run.options.historyEvents);
  const longRead = await run.measure(run.subject(`${READ}, long history`, "grpc", read()));
  const longWrite = await run.measure(run.subject(`${WRITE}, long history`, "grpc", await write(), 1));
  const relabel = (measured: Measured, scenario: string): Measured => ({ ...measured, scenario });
  const short = `history ≤ ${before.toLocaleString("en")} events`;
  const long = `history ≥ ${after.toLocaleString("en")} events`;
  return [
    { measured: relabel(shortRead, `${READ}, ${short}`) },
    { measured: relabel(longRead, `${READ}, ${long}`), baseline: shortRead },
    { measured: relabel(shortWrite, `${WRITE}, ${short}`) },
    { measured: relabel(longWrite, `${WRITE}, ${long}`), baseline: shortWrite },
  ];
}
