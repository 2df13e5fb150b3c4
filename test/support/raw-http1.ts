/**
 * An HTTP/1.x request written byte for byte on a socket of its own (plain or TLS), for what
 * no HTTP client sends: a missing or broken Host, a target that is no URL path. Resolves
 * with everything the server wrote until it closed the connection.
 */
import net from "node:net";
import tls from "node:tls";

export interface RawHttp1Options {
  /** Connect with TLS, trusting this certificate. */
  readonly ca?: Buffer;
}

export function rawHttp1(port: number, request: string, options: RawHttp1Options = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = options.ca
      ? tls.connect({ port, host: "127.0.0.1", servername: "localhost", ca: options.ca, ALPNProtocols: ["http/1.1"] })
      : net.connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
    socket.write(request);
  });
}

/** The status code of a raw HTTP/1.x response, and its body after the headers. */
export function parseRawResponse(text: string): { status: number; body: string } {
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
  const body = text.slice(text.indexOf("\r\n\r\n") + 4);
  return { status, body };
}
