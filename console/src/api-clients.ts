/**
 * The service's own API, from the browser: the generated descriptors of gen/ over Connect
 * (JSON, the default) or gRPC-Web, to the origin that served the page, with the token as
 * the bearer on every call.
 */
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";

export type Protocol = "connect" | "grpc-web";

export const PROTOCOL_NAMES: Readonly<Record<Protocol, string>> = {
  connect: "Connect (JSON)",
  "grpc-web": "gRPC-Web",
};

/** Which organization a Management call acts on; without it, the caller's own. */
export const ORG_HEADER = "x-zitadel-orgid";

/** No call waits longer than this for its answer. */
const CALL_TIMEOUT_MS = 15_000;

export interface ApiClients {
  readonly admin: Client<typeof AdminService>;
  readonly management: Client<typeof ManagementService>;
}

export function apiClients(token: string, protocol: Protocol): ApiClients {
  const authenticate: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  const options = { baseUrl: location.origin, interceptors: [authenticate], defaultTimeoutMs: CALL_TIMEOUT_MS };
  const transport = protocol === "grpc-web" ? createGrpcWebTransport(options) : createConnectTransport(options);
  return { admin: createClient(AdminService, transport), management: createClient(ManagementService, transport) };
}
