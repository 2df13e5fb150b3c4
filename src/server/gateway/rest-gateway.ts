/**
 * The REST door: serves every RPC at the route its google.api.http rule gives it, the way
 * ZITADEL's grpc-gateway does. A REST call becomes the RPC's request message (through its
 * proto3 JSON) and runs on the call core like every other call (interceptors, status
 * mapping and request log included); its outcome is the response message's JSON, or the
 * mapped error written as the gateway's google.rpc.Status body.
 *
 * A route bound to a server-streaming RPC answers with server-sent events (event-stream.ts).
 *
 * The gateway also answers every request that no door took, with a 404 in the same shape.
 */
import { fromJson, type DescService, type JsonValue, type Message } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import type { Logger } from "../../logger.js";
import { UNKNOWN, type CallLabels, type CallObserver } from "../../metrics/edge-observer.js";
import type { CallCore, StreamMethod, UnaryMethod } from "../call/call-core.js";
import type { CallOutcome } from "../call/call.js";
import type { HttpDoor, NodeRequest, NodeResponse } from "../http-door.js";
import { malformedRequest } from "../../interceptors/request-errors.js";
import type { StatusMapper } from "../../interceptors/status-mapping.js";
import { decodeUtf8, parseQuery } from "../utf8-text.js";
import { readRequestBody } from "../wire/request-body.js";
import { serveEventStream } from "./event-stream.js";
import { restCallInput } from "./rest-call-input.js";
import { requestJson } from "./request-message.js";
import { restError, type RestErrorOptions } from "./rest-error.js";
import { sendRestResponse } from "./rest-response.js";
import { restRoutes, type RestRoute } from "./rest-routes.js";
import { methodNotAllowed, routeNotFound } from "./route-errors.js";
import { routeTable } from "./route-table.js";
import { jsonOf } from "../wire/message-encoding.js";
import { callContextOf, callLine } from "../../call-context/call-context.js";

export interface RestGatewayOptions {
  /** The services whose annotated RPCs get REST routes. */
  readonly services: readonly DescService[];
  /** Runs the RPCs. */
  readonly core: CallCore;
  readonly toStatus: StatusMapper;
  readonly logger: Logger;
  /** Larger request bodies are refused with ResourceExhausted. */
  readonly maxRequestBytes: number;
  /** Learns of the requests the gateway refuses before any RPC runs (metrics). */
  readonly calls?: CallObserver;
  /** How often an event stream with nothing to send sends a comment line. */
  readonly keepaliveMs: number;
}

export interface RestGateway extends HttpDoor {
  /** Answers a request that no door took: 404, in the gateway's error shape. */
  notFound(req: NodeRequest, res: NodeResponse): void;
}

/** Protobuf's JSON rules: a field the message does not have is an error, not ignored. */
const JSON_READ = { ignoreUnknownFields: false };

/** A REST route with another method: its RPC is not known. */
const UNKNOWN_REST: CallLabels = { service: UNKNOWN, method: UNKNOWN, protocol: "rest" };
/** A path that nothing serves, whatever protocol the request meant to speak. */
const UNKNOWN_PATH: CallLabels = { service: UNKNOWN, method: UNKNOWN, protocol: "http" };

export function createRestGateway(options: RestGatewayOptions): RestGateway {
  const { toStatus, logger } = options;
  const routes = restRoutes(options.services);
  const methods = new Map(routes.map((route) => [route, methodOf(options.core, route)]));
  const table = routeTable(routes);
  const eventStreams = { core: options.core, toStatus, logger, keepaliveMs: options.keepaliveMs };

  function refuse(req: NodeRequest, res: NodeResponse, call: CallLabels, error: unknown, extra: RestErrorOptions = {}): void {
    const context = callContextOf(req);
    const status = toStatus(error, context);
    options.calls?.callStarted(call)(Code[status.code]);
    logger.info(callLine(context, { rest: `${req.method} ${targetOf(req).path}`, code: Code[status.code] }), "rest refused");
    sendRestResponse(req, res, restError(status, { authorization: req.headers.authorization, ...extra }));
  }

  async function call(route: RestRoute, variables: ReadonlyMap<string, string>, req: NodeRequest, res: NodeResponse) {
    const method = methods.get(route)!;
    if ("open" in method) {
      const request = (lastEventId: string | undefined) => {
        const json = requestJson(route, { variables, query: parseQuery(targetOf(req).query), body: undefined });
        if (lastEventId !== undefined && method.method.input.fields.some((field) => field.name === "last_version")) {
          json.lastVersion = lastEventId;
        }
        return messageFromJson(method, json);
      };
      return serveEventStream(eventStreams, method, request, req, res);
    }
    const call = options.core.start(method, restCallInput(req));
    let outcome: CallOutcome;
    try {
      const body = route.body.kind === "none" ? skipBody(req) : parseJson(await readRequestBody(req, options.maxRequestBytes));
      const json = requestJson(route, { variables, query: parseQuery(targetOf(req).query), body });
      outcome = await call.run(messageFromJson(method, json));
    } catch (error) {
      outcome = call.fail(error);
    }
    if (outcome.error) return sendRestResponse(req, res, restError(outcome.error, { authorization: req.headers.authorization }));
    const headers: Record<string, string> = {};
    outcome.header?.forEach((value, name) => (headers[name] = value));
    headers["content-type"] = "application/json";
    sendRestResponse(req, res, { status: 200, headers, body: jsonOf(method.method.output, outcome.message) });
  }

  return {
    handle(req, res) {
      const found = table.match(req.method ?? "", targetOf(req).path);
      if (!found) return false;
      if (found.route) {
        call(found.route, found.variables, req, res).catch((error: unknown) => {
          // The answer was on its way when the client went away.
          logger.debug(callLine(callContextOf(req), { rest: `${req.method} ${targetOf(req).path}`, err: error }), "response not delivered");
        });
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

function methodOf(core: CallCore, route: RestRoute): UnaryMethod | StreamMethod {
  const path = `/${route.rpc.parent.typeName}/${route.rpc.name}`;
  const method = core.unary.get(path) ?? core.serverStreams.get(path);
  if (!method) throw new Error(`${route.method} ${route.template.text} is bound to ${path}, which is not a served unary or server-streaming method`);
  return method;
}

function messageFromJson(method: UnaryMethod | StreamMethod, json: JsonValue): Message {
  try {
    return fromJson(method.method.input, json, JSON_READ);
  } catch (error) {
    throw malformedRequest(`the request is not a ${method.method.input.typeName}: ${(error as Error).message}`);
  }
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

function parseJson(bytes: Buffer): JsonValue | undefined {
  const text = decodeUtf8(bytes);
  // An empty body is an empty message, as grpc-gateway reads it.
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw malformedRequest(`the body is not JSON: ${(error as Error).message}`);
  }
}
