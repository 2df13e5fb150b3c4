/**
 * One RPC over any door of the port, with real clients: connect-node's gRPC, gRPC-Web and
 * Connect (JSON and binary) transports, and plain HTTP at the method's REST route. Requests
 * and responses are proto3 JSON, so one test reads the same over every door; the answer
 * keeps the response headers (or, for a failure, the status, its ErrorDetail and metadata).
 */
import { fromJson, toJson, type DescMethodUnary, type DescService, type JsonObject } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { transport, type ProtocolName } from "../../harness/connect-clients.js";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";
import { restRoutes } from "../../src/server/gateway/rest-routes.js";

export type Door = ProtocolName | "rest";

export const DOORS: readonly Door[] = ["grpc", "grpc-web", "connect-json", "connect-binary", "rest"];

export type DoorAnswer =
  | { readonly ok: true; readonly body: any; readonly headers: Headers }
  | {
      readonly ok: false;
      readonly code: Code;
      /** REST only: the HTTP status. */
      readonly httpStatus?: number;
      readonly id: string;
      readonly detailMessage: string;
      readonly message: string;
      /** The failure's headers (and trailers, on gRPC and gRPC-Web). */
      readonly headers: Headers;
    };

export async function callDoor(
  door: Door,
  baseUrl: string,
  service: DescService,
  methodName: string,
  request: JsonObject,
  headers: Record<string, string>,
): Promise<DoorAnswer> {
  const method = service.methods.find((m) => m.name === methodName) as DescMethodUnary | undefined;
  if (!method) throw new Error(`${service.typeName} has no method ${methodName}`);
  return door === "rest" ? restCall(baseUrl, service, method, request, headers) : rpcCall(door, baseUrl, service, method, request, headers);
}

async function rpcCall(protocol: ProtocolName, baseUrl: string, service: DescService, method: DescMethodUnary, request: JsonObject, headers: Record<string, string>): Promise<DoorAnswer> {
  const client = createClient(service, transport(protocol, baseUrl, headers)) as unknown as Record<
    string,
    (message: unknown, options: object) => Promise<any>
  >;
  const seen = new Headers();
  try {
    const response = await client[method.localName]!(fromJson(method.input, request), {
      onHeader: (h: Headers) => h.forEach((value, name) => seen.set(name, value)),
    });
    return { ok: true, body: toJson(method.output, response), headers: seen };
  } catch (error) {
    const failure = ConnectError.from(error);
    const [detail] = failure.findDetails(ErrorDetailSchema);
    if (!detail) throw new Error(`${protocol}: ${Code[failure.code]} without an ErrorDetail: ${failure.rawMessage}`, { cause: error });
    return { ok: false, code: failure.code, id: detail.id, detailMessage: detail.message, message: failure.rawMessage, headers: failure.metadata };
  }
}

async function restCall(baseUrl: string, service: DescService, method: DescMethodUnary, request: JsonObject, headers: Record<string, string>): Promise<DoorAnswer> {
  const route = restRoutes([service]).find((r) => r.rpc === method);
  if (!route) throw new Error(`${method.name} has no REST route`);
  const fields = { ...request };
  const path = route.template.text.replace(/\{(\w+)\}/g, (_all, name: string) => {
    const value = String(fields[name]);
    delete fields[name];
    return encodeURIComponent(value);
  });
  const query = route.body.kind === "none" ? new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString() : "";
  const body = route.body.kind === "none" ? undefined : JSON.stringify(fields);
  const response = await fetch(`${baseUrl}${path}${query ? `?${query}` : ""}`, { method: route.method, headers, body });
  const json = (await response.json()) as any;
  if (response.status === 200) return { ok: true, body: json, headers: response.headers };
  const [detail] = json.details;
  return {
    ok: false,
    code: json.code,
    httpStatus: response.status,
    id: detail.id,
    detailMessage: detail.message,
    message: json.message,
    headers: response.headers,
  };
}
