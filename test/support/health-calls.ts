/**
 * gRPC health calls made with Node's own HTTP/2 client on a session the test controls (its
 * local address, its connection), answered with what became of them as plain text: the
 * grpc-status, "open" for a watch that sent its first status and stays open, "failed" for a
 * check whose session or stream closed first, "http <status>" for an answer that is no gRPC
 * one.
 */
import type http2 from "node:http2";

/** An empty request message, in gRPC's framing. */
const EMPTY_MESSAGE = Buffer.from([0, 0, 0, 0, 0]);

function healthCall(session: http2.ClientHttp2Session, method: "Check" | "Watch"): http2.ClientHttp2Stream {
  const stream = session.request({ ":method": "POST", ":path": `/grpc.health.v1.Health/${method}`, "content-type": "application/grpc" });
  stream.on("error", () => {});
  stream.end(EMPTY_MESSAGE);
  return stream;
}

/**
 * The grpc-status of an answer, given in the headers (trailers only) or in the trailers; or
 * "http <status>" for an answer that is no gRPC one (a proxy's error page).
 */
function onStatus(stream: http2.ClientHttp2Stream, settle: (status: string) => void): void {
  stream.once("response", (headers) => {
    if (headers[":status"] !== 200) settle(`http ${headers[":status"]}`);
    else if (headers["grpc-status"] !== undefined) settle(String(headers["grpc-status"]));
  });
  stream.once("trailers", (trailers) => settle(String(trailers["grpc-status"])));
}

/** A health Check: its grpc-status, or "failed". */
export function healthCheck(session: http2.ClientHttp2Session): Promise<string> {
  return new Promise((resolve) => {
    const stream = healthCall(session, "Check");
    stream.resume();
    onStatus(stream, resolve);
    stream.once("close", () => resolve("failed"));
  });
}

/**
 * A health Watch, with its stream: "open", or the status of a refusal, or "closed <code>"
 * for a stream the server closed before it began (an address cut off for resets).
 */
export function healthWatch(session: http2.ClientHttp2Session): Promise<{ stream: http2.ClientHttp2Stream; status: string }> {
  return new Promise((resolve) => {
    const stream = healthCall(session, "Watch");
    const settle = (status: string) => resolve({ stream, status });
    onStatus(stream, settle);
    stream.once("data", () => settle("open"));
    stream.once("close", () => settle(`closed ${stream.rstCode}`));
  });
}
