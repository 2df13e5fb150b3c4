/** connect-node clients for each protocol the browser and backend callers use. */
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";

export type ProtocolName = "connect-json" | "connect-binary" | "grpc-web" | "grpc";

export function transport(protocol: ProtocolName, baseUrl: string): Transport {
  switch (protocol) {
    case "connect-json":
      return createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false });
    case "connect-binary":
      return createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true });
    case "grpc-web":
      return createGrpcWebTransport({ baseUrl, httpVersion: "1.1" });
    case "grpc":
      return createGrpcTransport({ baseUrl });
  }
}

export interface PolicyClients {
  readonly admin: Client<typeof AdminService>;
  readonly management: Client<typeof ManagementService>;
}

export function policyClients(protocol: ProtocolName, baseUrl: string): PolicyClients {
  const t = transport(protocol, baseUrl);
  return { admin: createClient(AdminService, t), management: createClient(ManagementService, t) };
}
