/**
 * Reading a login policy over each protocol, with the clients the tests use: @grpc/grpc-js
 * for gRPC, connect-node's clients for Connect, and fetch for REST. Each read is opened once
 * for all callers: gRPC and Connect binary multiplex them on one HTTP/2 connection, as
 * their clients do; Connect JSON and REST take one HTTP/1.1 connection per call in flight.
 */
import { status } from "@grpc/grpc-js";
import { bearer, policyClients, type PolicyClients, ORG_HEADER } from "../harness/connect-clients.js";
import { GrpcJsClient, type GrpcResult } from "../harness/grpc-js-client.js";
import type { Calls } from "./load-generator.js";

export const READ_PROTOCOLS = ["grpc", "connect-json", "connect-binary", "grpc-web", "rest"] as const;
export type ReadProtocol = (typeof READ_PROTOCOLS)[number];

/** The REST route of Admin GetLoginPolicy. */
export const REST_POLICY_PATH = "/admin/v1/policies/login";

/** A server to call, and the token to call it with. */
export interface Target {
  readonly url: string;
  /** host:port, for gRPC clients. */
  readonly address: string;
  readonly token: string;
}

/** Admin GetLoginPolicy: the instance's default policy. */
export function adminPolicyRead(target: Target, protocol: ReadProtocol): Calls {
  switch (protocol) {
    case "grpc": {
      const client = new GrpcJsClient(target.address, undefined, {}, bearer(target.token));
      return {
        call: async () => void okOrThrow(await client.call("admin", "GetLoginPolicy")),
        close: () => client.close(),
      };
    }
    case "connect-json":
    case "connect-binary":
    case "grpc-web": {
      const clients: PolicyClients = policyClients(protocol, target.url, bearer(target.token));
      return { call: async () => void (await clients.admin.getLoginPolicy({})), close: () => {} };
    }
    case "rest": {
      const url = target.url + REST_POLICY_PATH;
      const headers = bearer(target.token);
      return {
        call: async () => {
          const response = await fetch(url, { headers });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        },
        close: () => {},
      };
    }
  }
}

/** Management GetLoginPolicy over gRPC for one organization, named by x-zitadel-orgid. */
export function orgPolicyRead(target: Target, orgId: string): Calls {
  const client = new GrpcJsClient(target.address, undefined, {}, { ...bearer(target.token), [ORG_HEADER]: orgId });
  return {
    call: async () => void okOrThrow(await client.call("management", "GetLoginPolicy")),
    close: () => client.close(),
  };
}

/** The response of a gRPC call answered OK; throws with the status of any other answer. */
export function okOrThrow(result: GrpcResult): Record<string, unknown> {
  if (!result.ok) throw new Error(`${status[result.code]}: ${result.message}`);
  return result.response;
}
