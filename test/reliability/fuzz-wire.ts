/**
 * Sends fuzz cases to the server over a few long-lived connections: a keep-alive pool of
 * HTTP/1.1 sockets and one HTTP/2 session (opened again if the server closes it), and
 * collects each answer whole: status, headers, trailers and body.
 */
import http from "node:http";
import http2 from "node:http2";
import type { Credentials, FuzzCase } from "./fuzz-cases.js";
import { CONTENT_TYPES } from "./fuzz-cases.js";

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly trailers: Record<string, string>;
  readonly body: Buffer;
}

/** The client itself refused to send the case (a header or path no HTTP client sends). */
export class NotSent extends Error {}

/** A case that gets no answer in this time hangs, which is a defect of the server's. */
const ANSWER_TIMEOUT_MS = 15_000;

export interface Tokens {
  readonly admin: string;
  readonly viewer: string;
}

function authorization(credentials: Credentials, tokens: Tokens): string[] {
  switch (credentials) {
    case "admin":
      return [`Bearer ${tokens.admin}`];
    case "viewer":
      return [`Bearer ${tokens.viewer}`];
    case "none":
      return [];
    case "garbage":
      return ["Bearer lps_not-a-token-at-all"];
    case "two":
      return [`Bearer ${tokens.admin}`, `Bearer ${tokens.viewer}`];
    case "jwt-shaped":
      return ["Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"];
  }
}

function flat(headers: http.IncomingHttpHeaders | http2.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = String(value);
  return out;
}

export class FuzzWire {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private session: http2.ClientHttp2Session | undefined;

  constructor(
    private readonly origin: string,
    private readonly tokens: Tokens,
  ) {}

  send(c: FuzzCase): Promise<Answer> {
    const headers: Record<string, string> = { ...c.headers };
    if (c.door === "rpc") {
      headers["content-type"] = CONTENT_TYPES[c.protocol];
      if (c.protocol === "grpc") headers.te = "trailers";
      if (c.protocol === "grpc-web") headers["x-grpc-web"] = "1";
    }
    const credentials = authorization(c.credentials, this.tokens);
    return c.http2 ? this.sendHttp2(c, headers, credentials) : this.sendHttp1(c, headers, credentials);
  }

  private sendHttp1(c: FuzzCase, headers: Record<string, string>, credentials: string[]): Promise<Answer> {
    const all: http.OutgoingHttpHeaders = { ...headers, "content-length": String(c.body.length) };
    // A list value goes out as one header line per item: two credentials, two lines.
    if (credentials.length > 0) all.authorization = credentials as unknown as string;
    return new Promise((resolve, reject) => {
      let req: http.ClientRequest;
      try {
        req = http.request(this.origin + c.path, { method: c.method, headers: all, agent: this.agent });
      } catch (error) {
        return reject(new NotSent((error as Error).message));
      }
      req.setTimeout(ANSWER_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${ANSWER_TIMEOUT_MS} ms`)));
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: flat(res.headers), trailers: flat(res.trailers), body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(c.body);
    });
  }

  private connection(): http2.ClientHttp2Session {
    if (!this.session || this.session.closed || this.session.destroyed) {
      const session = http2.connect(this.origin);
      // A session the server ends (GOAWAY) is replaced by the next request; its error is the answer's.
      session.on("error", () => {});
      this.session = session;
    }
    return this.session;
  }

  private sendHttp2(c: FuzzCase, headers: Record<string, string>, credentials: string[]): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request: http2.OutgoingHttpHeaders = { ":method": c.method, ":path": c.path, ...headers };
      // HTTP/2 headers are a map here: two credentials travel as one list-valued header.
      if (credentials.length > 0) request.authorization = credentials.join(", ");
      let stream: http2.ClientHttp2Stream;
      try {
        stream = this.connection().request(request, { endStream: false });
      } catch (error) {
        return reject(new NotSent((error as Error).message));
      }
      let status = 0;
      let responseHeaders: Record<string, string> = {};
      let trailers: Record<string, string> = {};
      const chunks: Buffer[] = [];
      stream.setTimeout(ANSWER_TIMEOUT_MS, () => stream.close(http2.constants.NGHTTP2_CANCEL));
      stream.on("response", (h) => {
        status = Number(h[":status"]);
        responseHeaders = flat(h);
      });
      stream.on("trailers", (t) => (trailers = flat(t)));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => resolve({ status, headers: responseHeaders, trailers, body: Buffer.concat(chunks) }));
      stream.on("error", reject);
      stream.on("close", () => {
        if (status === 0) reject(new Error(`stream closed without an answer (code ${stream.rstCode})`));
      });
      stream.end(c.body);
    });
  }

  close(): void {
    this.agent.destroy();
    this.session?.close();
  }
}
