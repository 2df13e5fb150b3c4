/**
 * The scenarios made of unary calls, for a client library in this process: the library
 * opens a connection (a grpc-js channel, a connect session) and makes a call on it; the
 * scenarios are the same whatever the library.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { CallSpec, InteropClient, Outcome } from "./interop-client.js";

/** What a connection is opened with; both are connection-wide settings in the libraries here. */
export interface ConnectionOptions {
  /** Compress every request message with gzip. */
  readonly gzip?: boolean;
  /** Send keepalive pings at this interval, also without calls in flight. */
  readonly keepaliveMs?: number;
}

export interface ClientLibrary<Connection> {
  /** Opens a connection, hands it to `use`, and closes it when `use` is done. */
  withConnection<T>(options: ConnectionOptions, use: (connection: Connection) => Promise<T>): Promise<T>;
  call(connection: Connection, spec: CallSpec): Promise<Outcome>;
}

export function unaryScenarios<Connection>(library: ClientLibrary<Connection>): Omit<InteropClient, "watchCancelled"> {
  const { withConnection, call } = library;
  return {
    // Gzip calls go on a second connection, made to compress.
    calls: (specs) =>
      withConnection({}, (plain) =>
        withConnection({ gzip: true }, async (gzip) => {
          const outcomes: Outcome[] = [];
          for (const spec of specs) outcomes.push(await call(spec.gzip ? gzip : plain, spec));
          return outcomes;
        }),
      ),
    concurrent: (spec, count) =>
      withConnection({ gzip: spec.gzip }, (connection) => Promise.all(Array.from({ length: count }, () => call(connection, spec)))),
    idle: (spec, idleMs, keepaliveMs) =>
      withConnection({ keepaliveMs }, async (connection) => {
        const before = await call(connection, spec);
        await sleep(idleMs);
        return [before, await call(connection, spec)];
      }),
  };
}
