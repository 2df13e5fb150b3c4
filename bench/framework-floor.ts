/**
 * Starts a no-op server in a child process, with the answers the service gives: the Admin
 * and Management policies read once over Connect, and the REST body read once over HTTP.
 * Three kinds: connect-node's own adapter (noop-server.ts), the service's edge with
 * nothing behind it (edge-noop-server.ts), and a bare @grpc/grpc-js server
 * (grpc-js-noop-server.ts, gRPC only).
 */
import { toBinary } from "@bufbuild/protobuf";
import { fileURLToPath } from "node:url";
import { GetLoginPolicyResponseSchema as AdminAnswerSchema } from "../gen/zitadel/admin/v1/admin_pb.js";
import { GetLoginPolicyResponseSchema as ManagementAnswerSchema } from "../gen/zitadel/management/v1/management_pb.js";
import { bearer, policyClients, ORG_HEADER } from "../harness/connect-clients.js";
import { launchListeningProcess } from "../harness/server-process.js";
import { REST_POLICY_PATH, type Target } from "./policy-reads.js";

export type NoopKind = "connect-node" | "edge" | "grpc-js";

const NOOP_SERVERS: Record<NoopKind, string> = {
  "connect-node": fileURLToPath(new URL("./noop-server.js", import.meta.url)),
  edge: fileURLToPath(new URL("./edge-noop-server.js", import.meta.url)),
  "grpc-js": fileURLToPath(new URL("./grpc-js-noop-server.js", import.meta.url)),
};

export interface FloorServer extends Target {
  readonly pid: number;
  stop(): Promise<void>;
}

/** `orgId`: the organization whose policy Management GetLoginPolicy answers. */
export async function startNoopServer(kind: NoopKind, service: Target, orgId: string): Promise<FloorServer> {
  const { admin, management } = policyClients("connect-binary", service.url, bearer(service.token));
  const adminAnswer = await admin.getLoginPolicy({});
  const managementAnswer = await management.getLoginPolicy({}, { headers: { [ORG_HEADER]: orgId } });
  const rest = await fetch(service.url + REST_POLICY_PATH, { headers: bearer(service.token) });
  if (rest.status !== 200) throw new Error(`REST ${REST_POLICY_PATH} answered HTTP ${rest.status}`);
  const args = [
    Buffer.from(toBinary(AdminAnswerSchema, adminAnswer)).toString("base64"),
    Buffer.from(toBinary(ManagementAnswerSchema, managementAnswer)).toString("base64"),
    await rest.text(),
  ];
  const floor = await launchListeningProcess(NOOP_SERVERS[kind], kind === "connect-node" ? args : args.slice(0, 2), { PATH: process.env.PATH ?? "" }).listening;
  return {
    url: floor.url,
    address: new URL(floor.url).host,
    token: service.token,
    pid: floor.child.pid!,
    stop: async () => void (await floor.stop()),
  };
}
