/**
 * The REST door: serves every RPC at the route its google.api.http rule gives it, the way
 * ZITADEL's grpc-gateway does. A REST call becomes the RPC's request message in Connect
 * JSON and travels the same road as every other call, through the RPC door's own handlers
 * (interceptors, status mapping and request log included); its outcome comes back as the
 * response message's JSON, or as the gateway's google.rpc.Status body.
 *
 * The gateway also answers every request that no door took, with a 404 in the same shape.
 */
import type { DescService, JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { universalRequestFromNodeRequest } from "@connectrpc/connect-node";
import {
  readAllBytes,
  type UniversalHandler,
  type UniversalServerRequest,
  type UniversalServerResponse,
} from "@connectrpc/connect/protocol";
import { codeFromHttpStatus, errorFromJsonBytes } from "@connectrpc/connect/protocol-connect";
import type { Logger } from "../../logger.js";
import { UNKNOWN, type CallLabels, type CallObserver } from "../../metrics/edge-observer.js";
import { callContextValues, callProtocolKey, type HttpDoor, type NodeRequest, type NodeResponse, type RpcHandler } from "../rpc-handler.js";
import type { StatusMapper } from "../../interceptors/status-mapping.js";
import { decodeUtf8, parseQuery } from "../utf8-text.js";
import { forwardedHeaders } from "./forwarded-headers.js";
import { requestJson } from "./request-message.js";
import { restError, type RestErrorOptions } from "./rest-error.js";
import { sendRestResponse, type RestResponse } from "./rest-response.js";
import { restRoutes, type RestRoute } from "./rest-routes.js";
import { methodNotAllowed, routeNotFound } from "./route-errors.js";
import { routeTable } from "./route-table.js";

export interface RestGatewayOptions {
  /** The services whose annotated RPCs get REST routes. */
  readonly services: readonly DescService[];
  /** The door whose handlers serve the RPCs. */
  readonly rpc: RpcHandler;
  readonly toStatus: StatusMapper;
  readonly logger: Logger;
  /** Larger request bodies are refused with ResourceExhausted. */
  readonly maxRequestBytes: number;
  /** Learns of the requests the gateway refuses before any RPC runs (metrics). */
  readonly calls?: CallObserver;
}

export interface RestGateway extends HttpDoor {
  /** Answers a request that no door took: 404, in the gateway's error shape. */
  notFound(req: NodeRequest, res: NodeResponse): void;
}

/** Response messages are small; this only guards against reading without end. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** A REST route with another method: its RPC is not known. */
const UNKNOWN_REST: CallLabels = { service: UNKNOWN, method: UNKNOWN, protocol: "rest" };
/** A path that nothing serves, whatever protocol the request meant to speak. */
const UNKNOWN_PATH: CallLabels = { service: UNKNOWN, method: UNKNOWN, protocol: "http" };

export function createRestGateway(options: RestGatewayOptions): RestGateway {
  const { toStatus, logger } = options;
  const routes = restRoutes(options.services);
  const handlers = new Map(routes.map((route) => [route, handlerOf(options.rpc, route)]));
  const table = routeTable(routes);

  function refuse(req: NodeRequest, res: NodeResponse, call: CallLabels, error: unknown, extra: RestErrorOptions = {}): void {
    const status = toStatus(error);
    options.calls?.callStarted(call)(Code[status.code]);
    logger.info({ rest: `${req.method} ${targetOf(req).path}`, code: Code[status.code] }, "rest refused");
    sendRestResponse(req, res, restError(status, { authorization: req.headers.authorization, ...extra }));
  }

  async function call(route: RestRoute, variables: ReadonlyMap<string, string>, req: NodeRequest, res: NodeResponse) {
    try {
      const received = universalRequestFromNodeRequest(req, res, undefined, callContextValues(req, res).set(callProtocolKey, "rest"));
      const body = route.body.kind === "none" ? skipBody(req) : await readJsonBody(received, options.maxRequestBytes);
      const message = requestJson(route, { variables, query: parseQuery(targetOf(req).query), body });
      const handler = handlers.get(route)!;
      const header = forwardedHeaders(req.headers);
      header.set("content-type", "application/json");
      const url = new URL(handler.requestPath, received.url).href;
      const answer = await handler({ ...received, method: "POST", url, header, body: message });
      sendRestResponse(req, res, await fromConnect(answer, req.headers.authorization));
    } catch (error) {
      if (!res.headersSent) return refuse(req, res, restCall(route), error);
      // The answer was on its way when the client went away.
      logger.debug({ rest: `${req.method} ${targetOf(req).path}`, err: error }, "response not delivered");
    }
  }

  return {
    handle(req, res) {
      const found = table.match(req.method ?? "", targetOf(req).path);
      if (!found) return false;
      if (found.route) {
        void call(found.route, found.variables, req, res);
      } else {
        const allow = found.allowed.join(", ");
        refuse(req, res, UNKNOWN_REST, methodNotAllowed(req.method ?? "", found.allowed), { httpStatus: 405, headers: { allow } });
      }
      return true;
    },
    notFound(req, res) {
      refuse(req, res, UNKNOWN_PATH, routeNotFound(req.method ?? "", targetOf(req).path));
    },
  };
}

function restCall(route: RestRoute): CallLabels {
  return { service: route.rpc.parent.typeName, method: route.rpc.name, protocol: "rest" };
}

function handlerOf(rpc: RpcHandler, route: RestRoute): UniversalHandler {
  const path = `/${route.rpc.parent.typeName}/${route.rpc.name}`;
  const handler = rpc.handlers.get(path);
  if (!handler) throw new Error(`${route.method} ${route.template.text} is bound to ${path}, which the RPC door does not serve`);
  return handler;
}

/** The request's path and its query, both still percent-encoded. */
function targetOf(req: NodeRequest): { path: string; query: string } {
  const target = req.url ?? "/";
  const mark = target.indexOf("?");
  if (mark === -1) return { path: target, query: "" };
  return { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

/** A rule without a body reads none: whatever was sent is drained and dropped. */
function skipBody(req: NodeRequest): undefined {
  req.resume();
  return undefined;
}

async function readJsonBody(received: UniversalServerRequest, maxBytes: number): Promise<JsonValue | undefined> {
  const bytes = await readAllBytes(received.body as AsyncIterable<Uint8Array>, maxBytes, received.header.get("content-length"));
  return parseJson(bytes);
}

function parseJson(bytes: Uint8Array): JsonValue | undefined {
  const text = decodeUtf8(bytes);
  // An empty body is an empty message, as grpc-gateway reads it.
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new ConnectError(`the body is not JSON: ${(error as Error).message}`, Code.InvalidArgument);
  }
}

/** The Connect answer as a REST answer: the message's JSON as it is, or the error's Status. */
async function fromConnect(answer: UniversalServerResponse, authorization: string | undefined): Promise<RestResponse> {
  const bytes = answer.body ? await readAllBytes(answer.body as AsyncIterable<Uint8Array>, MAX_RESPONSE_BYTES) : new Uint8Array();
  if (answer.status === 200) return { status: 200, headers: { "content-type": "application/json" }, body: bytes };
  const fallback = new ConnectError(`HTTP ${answer.status}`, codeFromHttpStatus(answer.status));
  const retryAfter = answer.header?.get("retry-after");
  return restError(errorFromJsonBytes(bytes, undefined, fallback), { authorization, headers: retryAfter ? { "retry-after": retryAfter } : undefined });
}
