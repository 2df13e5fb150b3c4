/**
 * The benchmark's ceiling for writes: the service's edge with nothing behind it
 * (bench/edge-noop-server.ts, run from the build as `npm run bench` runs it) answers every
 * write the write rows make, through the rows' own client code, with the details a change
 * answers; and the results table prints a write's ratios to that ceiling on a line of
 * their own under the write.
 */
import { status } from "@grpc/grpc-js";
import { create, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { GetLoginPolicyResponseSchema as AdminAnswerSchema } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { GetLoginPolicyResponseSchema as ManagementAnswerSchema } from "../../gen/zitadel/management/v1/management_pb.js";
import { SecondFactorType } from "../../gen/zitadel/policy/v1/login_policy_pb.js";
import { factorToggles } from "../../bench/factor-toggles.js";
import type { LoadResult } from "../../bench/load-generator.js";
import type { Measured } from "../../bench/measurement.js";
import { okOrThrow, type Target } from "../../bench/policy-reads.js";
import { racingPolicyUpdates } from "../../bench/policy-updates.js";
import { resultsTable } from "../../bench/report.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import { repositoryPath } from "../../harness/repository.js";
import { launchListeningProcess, type ListeningProcess } from "../../harness/server-process.js";

const INSTANCE_DETAILS = { sequence: 7n, changeDate: timestampFromDate(new Date("2026-01-02T03:04:05Z")), resourceOwner: "instance-1" };

const base64 = <S extends DescMessage>(schema: S, message: MessageShape<S>) => Buffer.from(toBinary(schema, message)).toString("base64");

let edge: ListeningProcess;
let target: Target;

beforeAll(async () => {
  const admin = create(AdminAnswerSchema, { policy: { details: INSTANCE_DETAILS, secondFactors: [SecondFactorType.OTP] } });
  const management = create(ManagementAnswerSchema, { policy: { details: { sequence: 3n, resourceOwner: "org-1" } } });
  const args = [base64(AdminAnswerSchema, admin), base64(ManagementAnswerSchema, management)];
  edge = await launchListeningProcess(repositoryPath("dist/bench/edge-noop-server.js"), args, { PATH: process.env.PATH ?? "" }).listening;
  target = { url: edge.url, address: new URL(edge.url).host, token: "no token is checked" };
});

afterAll(async () => {
  await edge?.stop();
});

describe("the edge no-op", () => {
  it("answers each write the write rows make with the instance policy's details", async () => {
    const client = new GrpcJsClient(target.address);
    try {
      const writes: [service: "admin" | "management", method: string, request: object][] = [
        ["admin", "AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_U2F" }],
        ["admin", "RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP" }],
        ["admin", "UpdateLoginPolicy", { allowUsernamePassword: true }],
        ["management", "AddSecondFactorToLoginPolicy", { type: "SECOND_FACTOR_TYPE_U2F" }],
        ["management", "RemoveSecondFactorFromLoginPolicy", { type: "SECOND_FACTOR_TYPE_OTP" }],
      ];
      for (const [service, method, request] of writes) {
        const answer = okOrThrow(await client.call(service, method, request, { "x-zitadel-orgid": "org-1" }));
        expect({ method, details: answer.details }).toMatchObject({
          method,
          details: { sequence: "7", resourceOwner: "instance-1", changeDate: { seconds: "1767323045" } },
        });
      }
    } finally {
      client.close();
    }
  });

  it("serves the rows' own calls: factors added and removed in turn, and racing policy updates", async () => {
    const toggles = await factorToggles(target, [
      { policy: { service: "admin" }, factor: "SECOND_FACTOR_TYPE_OTP" },
      { policy: { service: "management", orgId: "org-1" }, factor: "SECOND_FACTOR_TYPE_U2F" },
    ]);
    const updates = racingPolicyUpdates(target);
    try {
      // Each caller's first call removes (OTP, present) or adds (U2F, absent), the next the other.
      await Promise.all([0, 1].map(async (caller) => {
        await toggles.call(caller);
        await toggles.call(caller);
      }));
      await Promise.all([0, 1, 2].map((caller) => updates.call(caller)));
    } finally {
      toggles.close();
      updates.close();
    }
  });

  it("answers Unimplemented for a method the benchmark does not call", async () => {
    const client = new GrpcJsClient(target.address);
    try {
      const answer = await client.call("admin", "AddMultiFactorToLoginPolicy", { type: "MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION" });
      expect(answer).toMatchObject({ ok: false, code: status.UNIMPLEMENTED });
    } finally {
      client.close();
    }
  });
});

describe("the results table", () => {
  const result = (ok: number, serverCpuMs: number | undefined, errors = 0): LoadResult => ({
    seconds: 1,
    ok,
    errors,
    firstError: errors > 0 ? "ABORTED: lost the race" : undefined,
    latenciesMs: Float64Array.from([1, 2]),
    serverCpuMs,
    clientCpuMs: 100,
  });
  const row = (engine: string, scenario: string, callers: number, r: LoadResult): Measured => ({ engine, scenario, protocol: "grpc", callers, result: r });
  const commits = row("sqlite", "bare commits, 1 writer", 1, result(6000, undefined));
  const ceiling = row("-", "edge no-op UpdateLoginPolicy", 16, result(2000, 300));
  const write = row("sqlite", "UpdateLoginPolicy: 16 racing writers", 16, result(1000, 400, 2));
  const table = resultsTable([
    { measured: commits },
    { measured: ceiling, baseline: commits },
    { measured: write, baseline: commits },
    { measured: write, baseline: ceiling },
  ]);
  const lines = table.split("\n");

  it("shows the write against bare commits, then only its ratios to the edge no-op on a line under it", () => {
    expect(lines[2]).toMatch(/^-\s+edge no-op UpdateLoginPolicy\s.*2,000.*0\.33×$/);
    expect(lines[3]).toMatch(/^sqlite\s+UpdateLoginPolicy: 16 racing writers\s.*1,000.*0\.17×$/);
    expect(lines[4]).toMatch(/^\s+against edge no-op UpdateLoginPolicy\s+0\.50×\s+2\.67×$/);
  });

  it("names a measurement's first error once, however many lines show it", () => {
    expect(table.split("errors in sqlite UpdateLoginPolicy: 16 racing writers (grpc)")).toHaveLength(2);
  });
});
