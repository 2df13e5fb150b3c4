/**
 * The same calls over each protocol the port speaks: Connect JSON (HTTP/1.1), Connect
 * binary (HTTP/2), gRPC-Web (HTTP/1.1) and gRPC, with connect-node clients, plus requests
 * written by hand. Every failure, whoever raised it, carries one zitadel.v1.ErrorDetail.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Code, ConnectError } from "@connectrpc/connect";
import { MultiFactorType } from "../../gen/zitadel/policy/v1/login_policy_pb.js";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";
import { bearer, policyClients, type ProtocolName } from "../../harness/connect-clients.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { decodeStatusDetails, grpcRaw, grpcWebRaw } from "../support/raw-rpc.js";
import { takeDocumentAway } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

async function connectError(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("expected the call to fail");
}

const PROTOCOLS: ProtocolName[] = ["connect-json", "connect-binary", "grpc-web", "grpc"];

describe.each(PROTOCOLS)("over %s", (protocol) => {
  it("reads the default policy", async () => {
    const { admin } = policyClients(protocol, server.url, bearer(server.adminToken));
    const { policy } = await admin.getLoginPolicy({});
    expect(policy?.isDefault).toBe(true);
    expect(policy?.multiFactors).toEqual([MultiFactorType.U2F_WITH_VERIFICATION]);
    expect(policy?.details?.resourceOwner).toBe(server.instance.id);
  });

  it("answers a domain error with its code, message and ErrorDetail", async () => {
    const { admin } = policyClients(protocol, server.url, bearer(server.adminToken));
    const error = await connectError(admin.addMultiFactorToLoginPolicy({ type: MultiFactorType.U2F_WITH_VERIFICATION }));
    expect(error.code).toBe(Code.AlreadyExists);
    expect(error.rawMessage).toBe("Errors.IAM.LoginPolicy.MFA.AlreadyExists (INSTANCE-3M9od)");
    expect(error.findDetails(ErrorDetailSchema)).toEqual([
      expect.objectContaining({ id: "INSTANCE-3M9od", message: "Errors.IAM.LoginPolicy.MFA.AlreadyExists" }),
    ]);
  });

  it("refuses a request message over 1 MiB with ResourceExhausted", async () => {
    const { admin } = policyClients(protocol, server.url, bearer(server.adminToken));
    const error = await connectError(
      admin.updateLoginPolicy({ defaultRedirectUri: `https://example.com/${"x".repeat(1024 * 1024)}` }),
    );
    expect(error.code).toBe(Code.ResourceExhausted);
    expect(error.findDetails(ErrorDetailSchema)).toEqual([
      expect.objectContaining({ id: "RPC-T00bg", message: "Errors.Request.TooLarge" }),
    ]);
  });
});

describe("malformed requests are InvalidArgument with an ErrorDetail", () => {
  const path = "/zitadel.admin.v1.AdminService/AddMultiFactorToLoginPolicy";
  // Field 1 (varint) with its value cut off: not a protobuf message.
  const truncated = new Uint8Array([0x08]);

  async function connectJson(body: string | Uint8Array, contentType = "application/json") {
    const response = await fetch(server.url + path, { method: "POST", headers: { "content-type": contentType }, body });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  it.each([
    ["malformed JSON", "{"],
    ["an unknown JSON field", '{"type": 1, "colour": "blue"}'],
    ["an unknown enum name", '{"type": "MULTI_FACTOR_TYPE_FINGERPRINT"}'],
  ])("Connect JSON with %s", async (_case, body) => {
    const response = await connectJson(body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("invalid_argument");
    expect(response.body.message).toMatch(/^Errors\.Request\.Invalid \(RPC-1nv4l\): /);
    expect(response.body.details).toEqual([
      expect.objectContaining({ type: "zitadel.v1.ErrorDetail", debug: { id: "RPC-1nv4l", message: "Errors.Request.Invalid" } }),
    ]);
  });

  it("Connect binary with a truncated message", async () => {
    const response = await connectJson(truncated, "application/proto");
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("invalid_argument");
    expect(response.body.details[0].debug).toEqual({ id: "RPC-1nv4l", message: "Errors.Request.Invalid" });
  });

  it("gRPC with a truncated message", async () => {
    const error = await grpcRaw(`127.0.0.1:${server.address.port}`, path, Buffer.from(truncated));
    expect(error?.code).toBe(Code.InvalidArgument);
    const status = decodeStatusDetails(error!.metadata.get("grpc-status-details-bin")[0] as Buffer);
    expect(status.details).toEqual([{ id: "RPC-1nv4l", message: "Errors.Request.Invalid" }]);
  });

  it("gRPC-Web with a truncated message", async () => {
    const trailer = await grpcWebRaw(server.url, path, truncated);
    expect(trailer.get("grpc-status")).toBe(String(Code.InvalidArgument));
    expect(decodeStatusDetails(trailer.get("grpc-status-details-bin")!).details).toEqual([
      { id: "RPC-1nv4l", message: "Errors.Request.Invalid" },
    ]);
  });
});

describe("an unexpected fault", () => {
  it("is Internal with a generic message and an error ID that the log carries, with the call's request ID, and nothing internal", async () => {
    const putBack = await takeDocumentAway(server.databaseUrl, "login_policies", server.instance.id);
    try {
      for (const protocol of PROTOCOLS) {
        const requestId = `internal-fault-${protocol}`;
        const headers = { ...bearer(server.adminToken), "x-request-id": requestId };
        const error = await connectError(policyClients(protocol, server.url, headers).admin.getLoginPolicy({}));
        if (!error.findDetails(ErrorDetailSchema).length) throw new Error(`${protocol}: ${error.code} ${error.rawMessage}`);
        expect(error.code).toBe(Code.Internal);
        const [detail] = error.findDetails(ErrorDetailSchema);
        expect(detail?.message).toBe("Errors.Internal");
        expect(error.rawMessage).toBe(
          `Errors.Internal (${detail!.id}): an unexpected error occurred; quote this ID when reporting it`,
        );
        expect(server.logs).toContainEqual(expect.objectContaining({ level: 50, errorId: detail!.id, requestId, msg: "internal error" }));
      }
    } finally {
      await putBack();
    }
  });
});

describe("the request log", () => {
  it("has one line per call with its method, protocol, code and duration", async () => {
    const before = server.logs.length;
    await connectError(policyClients("grpc", server.url, bearer(server.adminToken)).admin.removeSecondFactorFromLoginPolicy({ type: 4 }));
    const lines = server.logs.slice(before).filter((line) => line.msg === "rpc");
    expect(lines).toEqual([
      expect.objectContaining({
        rpc: "/zitadel.admin.v1.AdminService/RemoveSecondFactorFromLoginPolicy",
        protocol: "grpc",
        code: "NotFound",
        ms: expect.any(Number),
      }),
    ]);
  });
});
