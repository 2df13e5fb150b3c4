/**
 * The service's Prometheus metrics (prom-client), in a registry of their own: calls, their
 * latency and those in flight; connections and streams; limit refusals; the event store's
 * appends, caches and connection pool; and Node's process metrics. It receives what the edge
 * and the store observe and renders the text format that GET /metrics answers with.
 *
 * Every label value comes from a fixed set (service and method names of served methods,
 * "unknown" for anything else, protocol and code names), so that no caller can grow the
 * number of series.
 */
import { performance } from "node:perf_hooks";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CallLabels, CallObserver, ConnectionObserver, EndCall, HttpVersion, Limit, LimitObserver } from "./edge-observer.js";
import type { AppendOutcome, CacheUse, PoolUse, StoreObserver } from "./store-observer.js";
import { Tallies } from "./tallies.js";

type CallLabelName = "service" | "method" | "protocol";

/** From a cached read (about a millisecond) to a call that waited for the database to give up (10 s). */
const CALL_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** From a SQLite commit (a tenth of a millisecond) to PostgreSQL's statement timeout. */
const APPEND_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServiceMetrics implements CallObserver, ConnectionObserver, LimitObserver, StoreObserver {
  private readonly registry = new Registry();
  private readonly callSeconds: Histogram<"service" | "method" | "protocol">;
  private readonly connections: Gauge<"version">;
  private readonly connectionsOpened: Counter<"version">;
  private readonly refusals: Counter<"limit">;
  private readonly appendSeconds: Histogram<"engine" | "outcome">;
  private readonly caches = new Map<string, () => CacheUse>();
  private readonly pools: (() => PoolUse)[] = [];
  private droppedLogLines: () => number = () => 0;
  // What every call and stream moves is tallied here and reported when scraped (see tallies.ts).
  private readonly callsEnded = new Tallies<CallLabelName | "code">();
  private readonly callsInFlight = new Tallies<CallLabelName>();
  private openStreams = 0;

  constructor() {
    const registers = [this.registry];
    const { callsEnded, callsInFlight } = this;
    const openStreams = () => this.openStreams;
    collectDefaultMetrics({ register: this.registry });
    // Registered, and read at scrape time from the tallies.
    new Counter({
      name: "lps_rpc_calls_total",
      help: "Calls ended, by service, method, protocol and final code",
      labelNames: ["service", "method", "protocol", "code"],
      registers,
      collect() {
        callsEnded.reportTo(this);
      },
    });
    this.callSeconds = new Histogram({
      name: "lps_rpc_call_duration_seconds",
      help: "Time from a call's arrival to its final status",
      labelNames: ["service", "method", "protocol"],
      buckets: CALL_BUCKETS,
      registers,
    });
    new Gauge({
      name: "lps_rpc_calls_in_flight",
      help: "Calls begun and not yet ended",
      labelNames: ["service", "method", "protocol"],
      registers,
      collect() {
        callsInFlight.reportTo(this);
      },
    });
    this.connections = new Gauge({
      name: "lps_http_connections_open",
      help: "Client connections open, by HTTP version",
      labelNames: ["version"],
      registers,
    });
    this.connectionsOpened = new Counter({
      name: "lps_http_connections_opened_total",
      help: "Client connections opened, by HTTP version",
      labelNames: ["version"],
      registers,
    });
    new Gauge({
      name: "lps_http2_streams_open",
      help: "HTTP/2 streams open",
      registers,
      collect() {
        this.set(openStreams());
      },
    });
    this.refusals = new Counter({
      name: "lps_limit_refusals_total",
      help: "Requests or connections refused by a limit, by the limit",
      labelNames: ["limit"],
      registers,
    });
    this.appendSeconds = new Histogram({
      name: "lps_eventstore_append_duration_seconds",
      help: "Time an append transaction took (events, unique names and projections), by engine and outcome",
      labelNames: ["engine", "outcome"],
      buckets: APPEND_BUCKETS,
      registers,
    });
    // Read at scrape time, like the pool: the caches count their lookups as plain numbers.
    const caches = this.caches;
    new Counter({
      name: "lps_read_cache_lookups_total",
      help: "Reads that looked in a read-model cache, by cache and result (hit or miss)",
      labelNames: ["cache", "result"],
      registers,
      collect() {
        this.reset();
        for (const [cache, read] of caches) {
          const use = read();
          this.inc({ cache, result: "hit" }, use.hits);
          this.inc({ cache, result: "miss" }, use.misses);
        }
      },
    });
    new Gauge({
      name: "lps_read_cache_entries",
      help: "Entries a read-model cache holds",
      labelNames: ["cache"],
      registers,
      collect() {
        for (const [cache, read] of caches) this.set({ cache }, read().entries);
      },
    });
    const droppedLogLines = () => this.droppedLogLines();
    new Counter({
      name: "lps_log_lines_dropped_total",
      help: "Log lines dropped because stdout held too many unwritten (LPS_LOG_HELD_BYTES)",
      registers,
      collect() {
        this.reset();
        this.inc(droppedLogLines());
      },
    });
    const pools = this.pools;
    const poolGauge = (name: string, help: string, read: (use: PoolUse) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          // Read at scrape time: the pool knows its state, nothing needs to follow each change.
          if (pools.length > 0) this.set(pools.reduce((sum, pool) => sum + read(pool()), 0));
        },
      });
    poolGauge("lps_db_pool_connections", "Database connections the pool holds open, idle or in use", (use) => use.total);
    poolGauge("lps_db_pool_connections_idle", "Database connections open and idle", (use) => use.idle);
    poolGauge("lps_db_pool_connections_max", "Database connections the pool opens at most", (use) => use.max);
    poolGauge("lps_db_pool_waiting_clients", "Queries waiting for a free database connection", (use) => use.waiting);
  }

  /** The Content-Type of what render() returns. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in Prometheus's text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  callStarted(call: CallLabels): EndCall {
    const key = `${call.service}/${call.method}/${call.protocol}`;
    const inFlight = this.callsInFlight.of(key, () => ({ service: call.service, method: call.method, protocol: call.protocol }));
    inFlight.value++;
    const started = performance.now();
    return once((code: string) => {
      inFlight.value--;
      this.callSeconds.observe(inFlight.labels, (performance.now() - started) / 1000);
      this.callsEnded.of(`${key}/${code}`, () => ({ ...inFlight.labels, code })).value++;
    });
  }

  connectionOpened(version: HttpVersion): () => void {
    this.connections.inc({ version });
    this.connectionsOpened.inc({ version });
    return once(() => this.connections.dec({ version }));
  }

  streamOpened(): () => void {
    this.openStreams++;
    return once(() => this.openStreams--);
  }

  refused(limit: Limit): void {
    this.refusals.inc({ limit });
  }

  appended(engine: string, seconds: number, outcome: AppendOutcome): void {
    this.appendSeconds.observe({ engine, outcome }, seconds);
  }

  watchCache(cache: string, read: () => CacheUse): void {
    this.caches.set(cache, read);
  }

  watchLog(dropped: () => number): void {
    this.droppedLogLines = dropped;
  }

  watchPool(read: () => PoolUse): void {
    this.pools.push(read);
  }
}

/** The action, run on the first call only: whoever ends a call or a connection twice counts it once. */
function once<A extends unknown[]>(action: (...args: A) => void): (...args: A) => void {
  let done = false;
  return (...args) => {
    if (done) return;
    done = true;
    action(...args);
  };
}
