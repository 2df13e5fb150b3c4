/**
 * One interoperability suite, run by each independent gRPC client against the real server
 * process: every RPC once, error details, deadlines, gzip, the request size limit,
 * cancellation, concurrency on one connection, keepalive pings, an unknown method, large
 * metadata. Each client's test file starts its own server, on a fresh SQLite database
 * (what is tested here is the wire, the same on every storage engine), and reaches it
 * through a relay that counts the HTTP/2 frames clients cannot see.
 *
 * Tests whose names say "defect" check a behaviour the server is known to get wrong; they
 * assert what is right.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { freshDatabaseUrl } from "../support/test-database.js";
import { waitFor } from "../support/wait-for.js";
import { startFrameTap, type FrameTap, type TapCounts } from "./http2-frame-tap.js";
import type { CallSpec, InteropClient, Outcome } from "./interop-client.js";

/** The server's LPS_MAX_REQUEST_BYTES here: its default, 1 MiB. */
const MAX_REQUEST_BYTES = 1024 * 1024;
/** Long enough for any call on a loaded machine; a call that takes this long has hung. */
const PATIENCE_MS = 20_000;

const Status = {
  OK: 0,
  CANCELLED: 1,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  UNAUTHENTICATED: 16,
} as const;

const ADMIN = "/zitadel.admin.v1.AdminService/";
const MANAGEMENT = "/zitadel.management.v1.ManagementService/";
const HEALTH = "/grpc.health.v1.Health/";

const OTP = "SECOND_FACTOR_TYPE_OTP";
const U2F = "SECOND_FACTOR_TYPE_U2F";
const OTP_EMAIL = "SECOND_FACTOR_TYPE_OTP_EMAIL";
const OTP_SMS = "SECOND_FACTOR_TYPE_OTP_SMS";
const PASSKEY = "MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION";

/** A policy's settings, as UpdateLoginPolicy, AddCustomLoginPolicy and UpdateCustomLoginPolicy take them. */
const SETTINGS = {
  allowUsernamePassword: true,
  allowExternalIdp: true,
  passwordlessType: "PASSWORDLESS_TYPE_ALLOWED",
  defaultRedirectUri: "https://login.example.com/done",
};

/** Every Admin and Management RPC once, in an order in which each succeeds. */
const EVERY_RPC: readonly { readonly path: string; readonly request?: Record<string, unknown> }[] = [
  { path: `${ADMIN}GetLoginPolicy` },
  { path: `${ADMIN}UpdateLoginPolicy`, request: { ...SETTINGS, allowRegister: false } },
  { path: `${ADMIN}AddSecondFactorToLoginPolicy`, request: { type: OTP_SMS } },
  { path: `${ADMIN}ListLoginPolicySecondFactors` },
  { path: `${ADMIN}RemoveSecondFactorFromLoginPolicy`, request: { type: OTP_SMS } },
  { path: `${ADMIN}RemoveMultiFactorFromLoginPolicy`, request: { type: PASSKEY } },
  { path: `${ADMIN}ListLoginPolicyMultiFactors` },
  { path: `${ADMIN}AddMultiFactorToLoginPolicy`, request: { type: PASSKEY } },
  { path: `${ADMIN}ListEvents`, request: { limit: 5, aggregateTypes: ["instance"] } },
  { path: `${ADMIN}ListEventTypes` },
  { path: `${ADMIN}ListAggregateTypes` },
  { path: `${MANAGEMENT}GetDefaultLoginPolicy` },
  { path: `${MANAGEMENT}GetLoginPolicy` },
  { path: `${MANAGEMENT}AddCustomLoginPolicy`, request: { ...SETTINGS, secondFactors: [OTP_EMAIL], multiFactors: [PASSKEY] } },
  { path: `${MANAGEMENT}AddSecondFactorToLoginPolicy`, request: { type: OTP_SMS } },
  { path: `${MANAGEMENT}ListLoginPolicySecondFactors` },
  { path: `${MANAGEMENT}RemoveSecondFactorFromLoginPolicy`, request: { type: OTP_EMAIL } },
  { path: `${MANAGEMENT}RemoveMultiFactorFromLoginPolicy`, request: { type: PASSKEY } },
  { path: `${MANAGEMENT}ListLoginPolicyMultiFactors` },
  { path: `${MANAGEMENT}AddMultiFactorToLoginPolicy`, request: { type: PASSKEY } },
  { path: `${MANAGEMENT}UpdateCustomLoginPolicy`, request: { ...SETTINGS, allowRegister: true } },
  { path: `${MANAGEMENT}ResetLoginPolicyToDefault` },
];

/** A repeated field of a response; clients leave an empty one out. */
function listed(value: unknown): unknown[] {
  return (value as unknown[] | undefined) ?? [];
}

function codes(outcomes: readonly Outcome[]): number[] {
  return outcomes.map((outcome) => outcome.code);
}

/**
 * @param client  the client's name, as the test names show it
 * @param connect the client's scenarios against a target ("127.0.0.1:port")
 */
export function describeInterop(client: string, connect: (target: string) => InteropClient): void {
  let server: ServerProcess;
  let tap: FrameTap;
  let scenarios: InteropClient;
  let admin: Record<string, string>;

  beforeAll(async () => {
    server = await startServerProcess({
      LPS_DATABASE_URL: await freshDatabaseUrl(),
      LPS_MAX_REQUEST_BYTES: String(MAX_REQUEST_BYTES),
      // Health calls are logged at debug level: the cancellation test reads them.
      LPS_LOG_LEVEL: "debug",
    });
    tap = await startFrameTap(Number(new URL(server.url).port));
    scenarios = connect(tap.target);
    admin = { authorization: `Bearer ${server.adminToken}` };
  }, 60_000);

  afterAll(async () => {
    await tap?.close();
    await server?.stop();
    removeTempDirs();
  });

  /** What the relay counted while `run` ran. */
  async function counted<T>(run: () => Promise<T>): Promise<[T, TapCounts]> {
    const before = { ...tap.counts };
    const result = await run();
    const after = tap.counts;
    const delta = Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - before[key as keyof TapCounts]]));
    return [result, delta as unknown as TapCounts];
  }

  const getLoginPolicy = (extra: Partial<CallSpec> = {}): CallSpec => ({ path: `${ADMIN}GetLoginPolicy`, headers: admin, ...extra });

  describe(`${client} against the server process`, () => {
    it("calls every Admin and Management RPC once, on one connection", async () => {
      const served = [AdminService, ManagementService].flatMap((service) => service.methods.map((m) => `/${service.typeName}/${m.name}`));
      expect(EVERY_RPC.map((rpc) => rpc.path).sort()).toEqual(served.sort());

      const outcomes = await scenarios.calls(EVERY_RPC.map((rpc) => ({ ...rpc, headers: admin })));
      const byPath = (path: string) => outcomes[EVERY_RPC.findIndex((rpc) => rpc.path === path)]!;
      expect(outcomes.map((outcome, i) => [EVERY_RPC[i]!.path, outcome.code, outcome.message])).toEqual(EVERY_RPC.map((rpc) => [rpc.path, Status.OK, ""]));

      expect(listed(outcomes[0]!.response?.policy?.secondFactors)).toEqual([OTP, U2F]);
      expect(listed(byPath(`${ADMIN}ListLoginPolicySecondFactors`).response?.result)).toEqual([OTP, U2F, OTP_SMS]);
      expect(listed(byPath(`${ADMIN}ListLoginPolicyMultiFactors`).response?.result)).toEqual([]);
      const defaults = byPath(`${MANAGEMENT}GetDefaultLoginPolicy`).response?.policy;
      expect(defaults).toMatchObject({ isDefault: true, defaultRedirectUri: SETTINGS.defaultRedirectUri });
      expect(listed(defaults?.multiFactors)).toEqual([PASSKEY]);
      expect(byPath(`${MANAGEMENT}GetLoginPolicy`).response?.policy?.isDefault).toBe(true);
      expect(listed(byPath(`${ADMIN}ListEvents`).response?.events)).toHaveLength(5);
      expect(listed(byPath(`${ADMIN}ListAggregateTypes`).response?.aggregateTypes)).toHaveLength(3);
      expect(listed(byPath(`${MANAGEMENT}ListLoginPolicySecondFactors`).response?.result)).toEqual([OTP_EMAIL, OTP_SMS]);
      expect(listed(byPath(`${MANAGEMENT}ListLoginPolicyMultiFactors`).response?.result)).toEqual([]);
      // Every answer but a policy read's and the event search's carries details.
      const search = new Set([`${ADMIN}ListEvents`, `${ADMIN}ListEventTypes`, `${ADMIN}ListAggregateTypes`]);
      const withDetails = outcomes.filter((outcome, i) => i > 0 && !outcome.response?.policy && !search.has(EVERY_RPC[i]!.path));
      expect(withDetails).toHaveLength(EVERY_RPC.length - 1 - 2 - search.size);
      for (const outcome of withDetails) expect(outcome.response?.details).toBeDefined();
    });

    it("decodes google.rpc.Status with one zitadel.v1.ErrorDetail from grpc-status-details-bin", async () => {
      const [unauthenticated, denied] = await scenarios.calls([
        getLoginPolicy({ headers: { authorization: `Bearer lps_${"A".repeat(43)}` } }),
        { path: `${MANAGEMENT}GetLoginPolicy`, headers: { ...admin, "x-zitadel-orgid": "1" } },
      ]);
      for (const [outcome, code, id, key] of [
        [unauthenticated!, Status.UNAUTHENTICATED, "AUTH-7fs1e", "Errors.Token.Invalid"],
        [denied!, Status.PERMISSION_DENIED, "AUTH-5mWD2", "Errors.Permission.Denied"],
      ] as const) {
        expect(outcome.code).toBe(code);
        expect(outcome.message.startsWith(`${key} (${id})`)).toBe(true);
        expect(outcome.status).toEqual({ code, message: outcome.message, details: [{ id, message: key }] });
      }
    });

    it("a 1 ms deadline is exceeded, a 1 s deadline is met, and the connection serves on", async () => {
      const outcomes = await scenarios.calls([
        getLoginPolicy(),
        // A message near the size limit: the server cannot answer it within 1 ms.
        getLoginPolicy({ paddingBytes: MAX_REQUEST_BYTES, timeoutMs: 1 }),
        getLoginPolicy({ timeoutMs: 1000 }),
        getLoginPolicy(),
      ]);
      expect(codes(outcomes)).toEqual([Status.OK, Status.DEADLINE_EXCEEDED, Status.OK, Status.OK]);
    });

    it("sends gzip requests, also larger than the size limit once uncompressed, which are refused", async () => {
      const [outcomes, seen] = await counted(() => scenarios.calls([
        getLoginPolicy({ gzip: true }),
        getLoginPolicy({ gzip: true, paddingBytes: MAX_REQUEST_BYTES / 2 }),
        // A few KiB on the wire, 4 MiB once inflated: the limit holds for what the server inflates.
        getLoginPolicy({ gzip: true, paddingBytes: 4 * MAX_REQUEST_BYTES, timeoutMs: PATIENCE_MS }),
      ]));
      expect(codes(outcomes)).toEqual([Status.OK, Status.OK, Status.RESOURCE_EXHAUSTED]);
      expect(outcomes[0]!.response?.policy?.isDefault).toBe(true);
      // 4.5 MiB of padding, compressed on the wire. Responses go out plain: the server does
      // not compress for loopback peers, where it only costs CPU.
      expect(seen.clientBytes).toBeLessThan(MAX_REQUEST_BYTES / 8);
    });

    it(
      "serves a message of exactly LPS_MAX_REQUEST_BYTES; refuses one byte more, and a client still uploading far more, " +
        "with RESOURCE_EXHAUSTED and a reset stream (defect: the refused request's stream is never reset, so a client still uploading waits)",
      async () => {
        const [outcomes, seen] = await counted(() => scenarios.calls([
          getLoginPolicy({ paddingBytes: MAX_REQUEST_BYTES }),
          getLoginPolicy({ paddingBytes: MAX_REQUEST_BYTES + 1, timeoutMs: PATIENCE_MS }),
          getLoginPolicy({ paddingBytes: 8 * MAX_REQUEST_BYTES, timeoutMs: PATIENCE_MS }),
          getLoginPolicy(),
        ]));
        expect(codes(outcomes)).toEqual([Status.OK, Status.RESOURCE_EXHAUSTED, Status.RESOURCE_EXHAUSTED, Status.OK]);
        expect(outcomes[1]!.status?.details).toHaveLength(1);
        // gRPC clients end a call on its status, but a client that only reads when it has sent
        // everything (curl) waits unless the server resets the stream it will not read.
        expect(seen.serverResets).toBeGreaterThanOrEqual(2);
      },
      60_000,
    );

    it("cancels a health Watch mid-call, which ends it on the server, and calls on", async () => {
      const watchesEnded = () => server.output().split("\n").filter((line) => line.includes(`"rpc":"${HEALTH}Watch"`)).length;
      const before = watchesEnded();
      const watched = await scenarios.watchCancelled({ path: `${HEALTH}Check`, request: { service: "" } }, PATIENCE_MS);
      expect(watched).toEqual({ first: "SERVING", code: Status.CANCELLED, after: { code: Status.OK, message: "", response: { status: "SERVING" } } });
      await waitFor(() => watchesEnded() > before, "the server to end the cancelled Watch");
    });

    it("makes 200 concurrent calls on one connection", async () => {
      const [outcomes, seen] = await counted(() => scenarios.concurrent(getLoginPolicy(), 200));
      expect(codes(outcomes)).toEqual(Array(200).fill(Status.OK));
      expect(seen.connections).toBe(1);
    }, 60_000);

    it("sends keepalive pings while idle, which the server answers without GOAWAY", async () => {
      const [outcomes, seen] = await counted(() => scenarios.idle(getLoginPolicy(), 4500, 1000));
      expect(codes(outcomes)).toEqual([Status.OK, Status.OK]);
      expect(seen.connections).toBe(1);
      expect(seen.clientPings).toBeGreaterThanOrEqual(2);
      expect(seen.serverPingAcks).toBeGreaterThanOrEqual(2);
      expect(seen.serverGoaways).toBe(0);
    }, 60_000);

    it("is answered grpc-status 12 UNIMPLEMENTED on HTTP 200 for an unknown method or service (defect: HTTP 404 with a JSON body)", async () => {
      const outcomes = await scenarios.calls([
        { path: `${ADMIN}NoSuchMethod`, headers: admin },
        { path: "/zitadel.nothing.v1.NoService/GetLoginPolicy", headers: admin },
      ]);
      for (const outcome of outcomes) {
        expect(outcome.code).toBe(Status.UNIMPLEMENTED);
        // The status comes from the server, not from a client's reading of an HTTP error.
        expect(outcome.status?.code).toBe(Status.UNIMPLEMENTED);
      }
    });

    it("sends metadata values up to 8 KiB", async () => {
      const sizes = [1024, 4096, 8192];
      const outcomes = await scenarios.calls(sizes.map((size) => getLoginPolicy({ headers: { ...admin, "x-interop-padding": "v".repeat(size) } })));
      expect(codes(outcomes)).toEqual(sizes.map(() => Status.OK));
    });

    it("is answered NOT_FOUND for health Check of an unknown 4,000-character service name (defect: the name is echoed into grpc-message)", async () => {
      const service = "no.such.Service".padEnd(4000, "x");
      const [outcome] = await scenarios.calls([{ path: `${HEALTH}Check`, request: { service } }]);
      expect({ code: outcome!.code, echoesName: outcome!.message.includes(service) }).toEqual({ code: Status.NOT_FOUND, echoesName: false });
    });
  });
}
