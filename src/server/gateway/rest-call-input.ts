/** What the REST gateway knows of a call before it runs, whether it answers once or streams. */
import type { CallInput } from "../call/call.js";
import { authorizationCount } from "../credentials-header.js";
import type { NodeRequest } from "../http-door.js";
import { forwardedHeaders } from "./forwarded-headers.js";
import { callContextOf } from "../../call-context/call-context.js";

export function restCallInput(req: NodeRequest): CallInput {
  return {
    protocol: "rest",
    requestMethod: req.method ?? "GET",
    url: req.url ?? "",
    header: forwardedHeaders(req.headers),
    peerAddress: req.socket?.remoteAddress,
    credentialHeaders: authorizationCount(req.rawHeaders),
    context: callContextOf(req),
  };
}
