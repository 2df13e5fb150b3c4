/**
 * History independence: the same read (Management GetLoginPolicy) and write (a second
 * factor added and removed, by one writer) on two organizations' policies, one with a short
 * history and one with many more events, measured in turns. Nothing on a request's path
 * reads history (a read is one document lookup; a write reads the aggregate's last sequence
 * through an index), so each ratio of long to short should be about 1. The event search
 * pages through the whole log: a page from halfway through the long history against the
 * log's first page, whose ratio should be about 1 too, each page being an index range scan.
 */
import type { EngineRun } from "../engine-run.js";
import { eventPage, midHistory } from "../event-pages.js";
import { factorToggles } from "../factor-toggles.js";
import type { PolicyHistory } from "../fixture.js";
import { orgPolicyRead } from "../policy-reads.js";
import type { Row } from "../row.js";

export async function historyScenarios(run: EngineRun): Promise<Row[]> {
  const { shortHistory, longHistory } = run.fixture;
  const events = ({ events }: PolicyHistory) => `${events.toLocaleString("en")} events`;
  const read = (policy: PolicyHistory) =>
    run.subject(`GetLoginPolicy (Mgmt), history of ${events(policy)}`, "grpc", orgPolicyRead(run.service, policy.orgId));
  const write = async (policy: PolicyHistory) =>
    run.subject(
      `Add/Remove 2nd factor: 1 writer, history from ${events(policy)}`,
      "grpc",
      await factorToggles(run.service, [{ policy: { service: "management", orgId: policy.orgId }, factor: "SECOND_FACTOR_TYPE_OTP_SMS" }]),
      1,
    );
  const deep = await midHistory(run.service, longHistory.orgId, longHistory.events);
  const page = (where: string, from?: Parameters<typeof eventPage>[1]) =>
    run.subject(`ListEvents, 1,000 a page: ${where}`, "connect-binary", eventPage(run.service, from));
  return [
    ...(await run.measureAgainst(read(shortHistory), read(longHistory))),
    ...(await run.measureAgainst(await write(shortHistory), await write(longHistory))),
    ...(await run.measureAgainst(page("the newest"), page(`from halfway through ${events(longHistory)}`, deep))),
  ];
}
