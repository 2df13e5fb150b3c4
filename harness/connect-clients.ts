/** connect-node clients for each protocol the browser and backend callers use. */
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { LoginPolicyWatchService } from "../gen/lps/v1/login_policy_watch_pb.js";
import { AdminService } from "../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../gen/zitadel/management/v1/management_pb.js";

export type ProtocolName = "connect-json" | "connect-binary" | "grpc-web" | "grpc";

/** The header that names the organization a Management call acts on (ZITADEL's). */
export const ORG_HEADER = "x-zitadel-orgid";

/** `authorization: Bearer <token>` on every call; nothing when the token is empty. */
export function bearer(token: string): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

function sendingHeaders(headers: Record<string, string>): Interceptor {
  return (next) => (req) => {
    for (const [key, value] of Object.entries(headers)) req.header.set(key, value);
    return next(req);
  };
}

export function transport(protocol: ProtocolName, baseUrl: string, headers: Record<string, string> = {}): Transport {
  const interceptors = [sendingHeaders(headers)];
  switch (protocol) {
    case "connect-json":
      return createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false, interceptors });
    case "connect-binary":
      return createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true, interceptors });
    case "grpc-web":
      return createGrpcWebTransport({ baseUrl, httpVersion: "1.1", interceptors });
    case "grpc":
      return createGrpcTransport({ baseUrl, interceptors });
  }
}

export interface PolicyClients {
  readonly admin: Client<typeof AdminService>;
  readonly management: Client<typeof ManagementService>;
}

export function policyClients(protocol: ProtocolName, baseUrl: string, headers: Record<string, string> = {}): PolicyClients {
  const t = transport(protocol, baseUrl, headers);
  return { admin: createClient(AdminService, t), management: createClient(ManagementService, t) };
}

export function watchClient(protocol: ProtocolName, baseUrl: string, headers: Record<string, string> = {}): Client<typeof LoginPolicyWatchService> {
  return createClient(LoginPolicyWatchService, transport(protocol, baseUrl, headers));
}
