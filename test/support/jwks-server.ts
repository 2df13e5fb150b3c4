/**
 * An issuer's JWKS endpoint on a real HTTP server on 127.0.0.1 (the only host plain http is
 * accepted for), which counts how often it is asked and can publish a new key set.
 */
import type { JSONWebKeySet } from "jose";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface JwksServer {
  readonly url: string;
  /** How many times the key set was fetched. */
  fetches(): number;
  publish(jwks: JSONWebKeySet): void;
  close(): Promise<void>;
}

export async function serveJwks(jwks: JSONWebKeySet): Promise<JwksServer> {
  let published = jwks;
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { "content-type": "application/jwk-set+json" }).end(JSON.stringify(published));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => fetches,
    publish: (next) => (published = next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
