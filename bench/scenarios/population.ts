/**
 * Memory with a large population: the server's memory after a full garbage collection
 * before and after `population` organizations, users and tokens are added and every one
 * of those users has read their organization's policy once (so that as many documents as
 * the cap allows are in memory), and the speed of reads spread over all those users
 * against reads by one user, whose documents stay in memory.
 */
import { ORG_HEADER, bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient } from "../../harness/grpc-js-client.js";
import type { EngineRun } from "../engine-run.js";
import type { Calls } from "../load-generator.js";
import { okOrThrow, type Target } from "../policy-reads.js";
import { populate, type Resident } from "../population.js";
import type { Row } from "../row.js";

export interface PopulationReport {
  readonly engine: string;
  readonly population: number;
  readonly cachedDocuments: number;
  /** RSS and heap after a full garbage collection, before the population and after it read. */
  readonly before: NodeJS.MemoryUsage;
  readonly after: NodeJS.MemoryUsage;
  readonly rows: Row[];
}

export async function populationScenario(run: EngineRun, databaseUrl: string): Promise<PopulationReport> {
  const { service, options, engine } = run;
  const before = await service.memory();
  process.stderr.write(`${engine.name} · population · adding ${options.population} organizations, users and tokens: `);
  let started = Date.now();
  const residents = await populate(databaseUrl, options.population);
  process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s; each reads once: `);
  started = Date.now();
  const everyone = residentReads(service, residents);
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, caller) => {
      while (next < residents.length) await everyone.call(caller, next++);
    }),
  );
  everyone.close();
  process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const after = await service.memory();
  const one = residents[0]!;
  const rows = await run.measureAgainst(
    run.subject("GetLoginPolicy (Management), 1 user", "grpc", spread(residentReads(service, [one]))),
    run.subject(`GetLoginPolicy (Management), ${residents.length.toLocaleString("en")} users in turn`, "grpc", spread(residentReads(service, residents))),
  );
  return { engine: engine.name, population: residents.length, cachedDocuments: service.cachedDocuments, before, after, rows };
}

interface ResidentReads {
  call(caller: number, resident: number): Promise<void>;
  close(): void;
}

/** Management GetLoginPolicy as the resident, on their own organization (named by their token alone). */
function residentReads(target: Target, residents: readonly Resident[]): ResidentReads {
  const client = new GrpcJsClient(target.address);
  return {
    call: async (_caller, n) => {
      const resident = residents[n % residents.length]!;
      okOrThrow(await client.call("management", "GetLoginPolicy", {}, { ...bearer(resident.token), [ORG_HEADER]: resident.orgId }));
    },
    close: () => client.close(),
  };
}

/** Each call as the next resident, round and round. */
function spread(reads: ResidentReads): Calls {
  let next = 0;
  return { call: (caller) => reads.call(caller, next++), close: () => reads.close() };
}
