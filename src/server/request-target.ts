/**
 * The URL a request names, from its scheme, its authority (`Host`, or HTTP/2's `:authority`)
 * and its target, as the RPC framework builds it for every call. Clients can send what no URL
 * can be made of: `Host: x:99999`, an empty `Host`, HTTP/1.0 without `Host`, a target such as
 * `//[` or `http://[/x`. Such a request is a bad request, answered 400 by the door below
 * before any other door reads it.
 *
 * An HTTP/1.1 target may also be a whole URL (`GET http://host/healthz`, the absolute form),
 * which clients send to a proxy and proxies may pass on; a server must accept it, taking the
 * authority from it rather than from `Host` (RFC 9112, 3.2.2). Every door reads a target as a
 * path, so the same door makes such a request one in the origin form (`/healthz`, with that
 * `Host`) before the others see it. (HTTP/2 forbids the absolute form: Node resets the stream.)
 */
import { invalidArgument } from "../errors.js";
import type { Logger } from "../logger.js";
import { restError } from "./gateway/rest-error.js";
import { sendRestResponse } from "./gateway/rest-response.js";
import type { HttpDoor, NodeRequest } from "./http-door.js";
import type { StatusMapper } from "../interceptors/status-mapping.js";
import { callContextOf, callLine } from "../call-context/call-context.js";

/** The request's URL, or undefined when its authority or target cannot form one. */
export function requestUrl(req: NodeRequest): URL | undefined {
  const encrypted = "encrypted" in req.socket && req.socket.encrypted;
  const authority = "authority" in req ? req.authority : req.headers.host;
  if (!authority) return undefined;
  try {
    return new URL(req.url ?? "", `${encrypted ? "https" : "http"}://${authority}`);
  } catch {
    return undefined;
  }
}

/** A target in the absolute form: a URL of the two schemes HTTP serves. */
const ABSOLUTE_FORM = /^https?:\/\//i;

/**
 * Takes the requests whose URL cannot be made, and answers them 400 in the gateway's error
 * shape; passes the others on, a target in the absolute form made the origin form.
 */
export function requestTargetDoor(toStatus: StatusMapper, logger: Logger): HttpDoor {
  return {
    handle(req, res) {
      const url = requestUrl(req);
      if (url) {
        if (ABSOLUTE_FORM.test(req.url ?? "")) {
          req.url = url.pathname + url.search;
          req.headers.host = url.host;
        }
        return false;
      }
      const authority = "authority" in req ? req.authority : req.headers.host;
      // The caller's mistake, not ours: worth a line, never an error.
      const context = callContextOf(req);
      logger.info(callLine(context, { method: req.method, target: req.url, authority }), "bad request target");
      const refused = invalidArgument(
        "HTTP-T4rgt",
        "Errors.Request.BadTarget",
        "the request's authority (Host) and target do not form a URL",
      );
      sendRestResponse(req, res, restError(toStatus(refused, context)));
      return true;
    },
  };
}
