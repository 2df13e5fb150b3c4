/**
 * One HTTP/2 request written by hand, with everything the server sent back: headers,
 * body, trailers, and the code the stream was closed with.
 */
import http2 from "node:http2";

export interface Http2Exchange {
  readonly headers: http2.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly trailers: http2.IncomingHttpHeaders;
  /** The RST_STREAM code the stream ended with (0, NO_ERROR, when it simply ended). */
  readonly closeCode: number;
}

/**
 * @param body      written, then the stream is ended; `keepOpen` leaves it open (a client
 *                  still uploading)
 * @param onStream  sees the stream, to cancel it mid-call, say
 */
export async function http2Exchange(
  origin: string,
  headers: http2.OutgoingHttpHeaders,
  body: Uint8Array,
  { keepOpen = false, onStream }: { keepOpen?: boolean; onStream?: (stream: http2.ClientHttp2Stream) => void } = {},
): Promise<Http2Exchange> {
  const session = http2.connect(origin);
  try {
    return await new Promise<Http2Exchange>((resolve, reject) => {
      session.on("error", reject);
      const stream = session.request({ ":method": "POST", ...headers });
      let responseHeaders: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on("response", (received) => (responseHeaders = received));
      stream.on("trailers", (received) => (trailers = received));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", () => {});
      stream.on("close", () => resolve({ headers: responseHeaders, body: Buffer.concat(chunks), trailers, closeCode: stream.rstCode ?? 0 }));
      onStream?.(stream);
      if (keepOpen) stream.write(body);
      else stream.end(body);
    });
  } finally {
    session.close();
  }
}
