/** One HTTP/2 request on a session of its own, read to the end. */
import http2 from "node:http2";

export interface Http2Answer {
  readonly status: number;
  readonly body: string;
}

export async function http2Request(origin: string, headers: http2.OutgoingHttpHeaders): Promise<Http2Answer> {
  const session = http2.connect(origin);
  try {
    return await new Promise<Http2Answer>((resolve, reject) => {
      session.on("error", reject);
      const stream = session.request(headers);
      let status = 0;
      let body = "";
      stream.on("response", (response) => (status = Number(response[":status"])));
      stream.on("data", (chunk: Buffer) => (body += chunk.toString()));
      stream.on("end", () => resolve({ status, body }));
      stream.on("error", reject);
    });
  } finally {
    session.close();
  }
}
