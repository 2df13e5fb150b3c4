/**
 * `lps doctor` on PostgreSQL: the server is reachable, its version, synchronous_commit on
 * (or acknowledged writes can be lost in a crash), room for every replica's pool within
 * max_connections, the schema migrated by this release, and the service's user able to
 * write. It only reads: one connection, a few catalog queries.
 */
import pg from "pg";
import { postgresMigrations } from "../eventstore/postgres-migrations.js";
import { reasonOf } from "../eventstore/postgres-errors.js";
import { describeDatabase, serviceSessionName } from "../eventstore/postgres-startup.js";
import { fault, ok, warning, type Finding } from "./doctor-finding.js";

const AREA = "database";
const LATEST = Math.max(...postgresMigrations.map((step) => step.version));
const TIMEOUT_MS = 5000;
const TABLES = ["events", "projection_documents", "document_changes", "unique_constraints"];

export interface PostgresTarget {
  readonly url: string;
  readonly poolSize: number;
  readonly replicas: number;
}

export async function checkPostgres(target: PostgresTarget): Promise<Finding[]> {
  const where = describeDatabase(target.url);
  const client = new pg.Client({
    connectionString: target.url,
    connectionTimeoutMillis: TIMEOUT_MS,
    query_timeout: TIMEOUT_MS,
    application_name: "lps doctor",
  });
  // A connection that breaks later reports through the query that was running.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    return [
      fault(AREA, `PostgreSQL at ${where} cannot be reached: ${reasonOf(error)}`, "check LPS_DATABASE_URL (host, port, user, password, database) and that the server runs and admits this host"),
    ];
  }
  try {
    const setting = async (name: string): Promise<string | undefined> =>
      (await client.query<{ value: string | null }>("SELECT current_setting($1, true) AS value", [name])).rows[0]?.value ?? undefined;
    const version = await setting("server_version");
    return [
      ok(AREA, `PostgreSQL ${version} at ${where}`),
      checkSynchronousCommit((await setting("synchronous_commit")) ?? "on"),
      await checkConnections(client, target, setting),
      ...(await checkSchemaAndWrites(client)),
    ];
  } catch (error) {
    return [fault(AREA, `PostgreSQL at ${where} stopped answering: ${reasonOf(error)}`, "check the server's log and the network")];
  } finally {
    await client.end().catch(() => {});
  }
}

function checkSynchronousCommit(value: string): Finding {
  if (value === "off") {
    return fault(AREA, "synchronous_commit is off: a crash of the database server loses writes the service already confirmed", "set synchronous_commit = on (the default) for the service's database or user");
  }
  return ok(AREA, `synchronous_commit ${value}`);
}

async function checkConnections(
  client: pg.Client,
  target: PostgresTarget,
  setting: (name: string) => Promise<string | undefined>,
): Promise<Finding> {
  const max = Number(await setting("max_connections"));
  // reserved_connections exists from PostgreSQL 16; both are kept for privileged roles.
  const reserved = Number((await setting("superuser_reserved_connections")) ?? 0) + Number((await setting("reserved_connections")) ?? 0);
  const admitted = max - reserved;
  const needed = target.replicas * target.poolSize;
  // Other clients' sessions: not this one, and not named as the replicas' are.
  const others = Number(
    (
      await client.query<{ count: string }>(
        "SELECT count(*) AS count FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name <> $1 AND pid <> pg_backend_pid()",
        [serviceSessionName(target.url)],
      )
    ).rows[0]!.count,
  );
  const sum = `${target.replicas} replica(s) × pool size ${target.poolSize} = ${needed} connections`;
  if (needed > admitted) {
    return fault(
      AREA,
      `${sum}, but the server admits ${admitted} (max_connections ${max}, ${reserved} reserved): calls will wait and then fail with Unavailable`,
      `lower LPS_DATABASE_POOL_SIZE to at most ${Math.max(1, Math.floor(admitted / target.replicas))}, or raise max_connections`,
    );
  }
  if (needed + others > admitted) {
    return warning(
      AREA,
      `${sum}, and ${others} other connections are open now: together more than the ${admitted} the server admits`,
      "lower LPS_DATABASE_POOL_SIZE, raise max_connections, or put a connection pooler in front of the other clients",
    );
  }
  return ok(AREA, `${sum} of ${admitted} admitted (${others} others open now, ${admitted - needed - others} to spare)`);
}

async function checkSchemaAndWrites(client: pg.Client): Promise<Finding[]> {
  const findings: Finding[] = [];
  const readOnly = (await client.query<{ value: string }>("SELECT current_setting('transaction_read_only') AS value")).rows[0]!.value;
  if (readOnly === "on") {
    return [fault(AREA, "the server accepts no writes (a standby, or default_transaction_read_only is on)", "point LPS_DATABASE_URL at the primary")];
  }
  const migrations = (await client.query<{ found: string | null }>("SELECT to_regclass('schema_migrations')::text AS found")).rows[0]!.found;
  if (!migrations) {
    const canCreate = (await client.query<{ can: boolean }>("SELECT has_schema_privilege(current_schema(), 'CREATE') AS can")).rows[0]!.can;
    if (!canCreate) {
      return [fault(AREA, "the database has no tables of this service, and its user may not create any", "GRANT CREATE ON SCHEMA public TO the service's user, or use a database it owns")];
    }
    return [warning(AREA, "the database has no tables of this service yet", "the first `lps serve` creates them; if they should be there, check LPS_DATABASE_URL")];
  }
  const newest = Number((await client.query<{ newest: number | null }>("SELECT max(version) AS newest FROM schema_migrations")).rows[0]!.newest ?? 0);
  if (newest > LATEST) {
    findings.push(fault(AREA, `the schema is at version ${newest}, newer than this release knows (${LATEST})`, "run the release that upgraded it, or a newer one"));
  } else if (newest < LATEST) {
    findings.push(warning(AREA, `the schema is at version ${newest} of ${LATEST}`, "the next `lps serve` upgrades it"));
  } else {
    findings.push(ok(AREA, `migrated (schema version ${newest})`));
  }
  const { rows } = await client.query<{ name: string; writable: boolean | null }>(
    "SELECT name, CASE WHEN to_regclass(name) IS NULL THEN NULL ELSE has_table_privilege(name, 'INSERT, UPDATE, DELETE') END AS writable FROM unnest($1::text[]) AS name",
    [TABLES],
  );
  const unwritable = rows.filter((row) => row.writable === false).map((row) => row.name);
  if (unwritable.length > 0) {
    findings.push(fault(AREA, `the service's user may not write ${unwritable.join(", ")}`, `GRANT INSERT, UPDATE, DELETE ON ${unwritable.join(", ")} TO the service's user`));
  } else {
    findings.push(ok(AREA, "writable"));
  }
  return findings;
}
