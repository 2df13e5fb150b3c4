/**
 * Racing writers for a fixed number of calls rather than a fixed time: every caller updates
 * the instance's policy (policy-updates.ts) until the run has made `calls` calls, and each
 * answer is counted by its code. The promise under test is a count: none Aborted (given up
 * on after losing races), however many callers queue for the one policy.
 */
import { status } from "@grpc/grpc-js";
import { performance } from "node:perf_hooks";
import { bearer } from "../harness/connect-clients.js";
import { GrpcJsClient } from "../harness/grpc-js-client.js";
import type { LoadResult } from "./load-generator.js";
import type { Target } from "./policy-reads.js";
import { POLICY_UPDATE, policyUpdate } from "./policy-updates.js";

/** Past any update a timed row makes, so that every update here changes the policy. */
const FIRST_UPDATE = 500_000;

export interface RaceCount {
  readonly result: LoadResult;
  readonly aborted: number;
}

export async function countedRace(target: Target, callers: number, calls: number): Promise<RaceCount> {
  const client = new GrpcJsClient(target.address, undefined, {}, bearer(target.token));
  const latencies: number[] = [];
  let made = 0;
  let aborted = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (made < calls) {
          const request = policyUpdate(FIRST_UPDATE + made++);
          const at = performance.now();
          const answer = await client.call("admin", POLICY_UPDATE, request);
          if (answer.ok) latencies.push(performance.now() - at);
          else {
            errors++;
            if (answer.code === status.ABORTED) aborted++;
            firstError ??= `${status[answer.code]}: ${answer.message}`;
          }
        }
      }),
    );
  } finally {
    client.close();
  }
  const { user, system } = process.cpuUsage(cpu);
  const result: LoadResult = {
    seconds: (performance.now() - started) / 1000,
    ok: latencies.length,
    errors,
    firstError,
    latenciesMs: Float64Array.from(latencies).sort(),
    clientCpuMs: (user + system) / 1000,
  };
  return { result, aborted };
}
