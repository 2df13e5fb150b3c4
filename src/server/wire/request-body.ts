/** A request body read whole, within a limit, from Node's request object. */
import type { NodeRequest } from "../http-door.js";
import { callCanceled, requestTooLarge } from "../../interceptors/request-errors.js";

/**
 * Refuses at once a body whose declared length is over the limit, and stops reading one
 * that grows past it; the rest is left unread (HTTP/1.1 answers then close the connection).
 */
export function readRequestBody(req: NodeRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = (error: Error) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onGone);
      req.off("aborted", onGone);
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) return stop(tooLarge(maxBytes));
      chunks.push(chunk);
    };
    const onEnd = () => {
      req.off("error", onGone);
      req.off("aborted", onGone);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onGone = () => stop(callCanceled("the client went away while sending the request"));
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onGone);
    req.once("aborted", onGone);
  });
}

function tooLarge(maxBytes: number): Error {
  return requestTooLarge(`the request body is larger than ${maxBytes} bytes`);
}
