/**
 * A throwaway PostgreSQL cluster: initdb and pg_ctl from Debian's postgresql package, in a
 * temp directory, on a free port of 127.0.0.1, with its unix socket in the same directory.
 * As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
 *
 * This module imports nothing of the repository's own: jest's global setup loads it with a
 * plain require().
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

export interface ClusterOptions {
  /** The directory holding initdb and pg_ctl. */
  readonly bin: string;
  /**
   * With false, fsync and full-page writes are off: for a cluster that may be stopped and
   * crashed but whose machine stays up, so what it committed is still in the operating
   * system's cache. Measuring commits needs true.
   */
  readonly durable: boolean;
}

/** The newest /usr/lib/postgresql/<version>/bin that holds initdb (Debian's layout), if any. */
export function findPostgresBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/initdb`)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest && `${root}/${newest}/bin`;
}

/** A new, empty database in the cluster. */
export async function createDatabase(clusterUrl: string): Promise<string> {
  const name = `lps_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client(clusterUrl);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export class PostgresCluster {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start({ bin, durable }: ClusterOptions): Promise<PostgresCluster> {
    const dir = mkdtempSync(join(tmpdir(), "lps-pg-"));
    const owner = serverUser();
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const cluster = new PostgresCluster(bin, dir, await freePort());
    await cluster.run("initdb", ["-D", cluster.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
    appendFileSync(
      join(cluster.dataDir, "postgresql.conf"),
      [
        "listen_addresses = '127.0.0.1'",
        `port = ${cluster.port}`,
        `unix_socket_directories = '${dir}'`,
        "max_connections = 200",
        ...(durable ? [] : ["fsync = off", "full_page_writes = off"]),
        "",
      ].join("\n"),
    );
    await cluster.start();
    return cluster;
  }

  /** The maintenance database, as the superuser. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  createDatabase(): Promise<string> {
    return createDatabase(this.url);
  }

  async start(): Promise<void> {
    try {
      await this.run("pg_ctl", ["-D", this.dataDir, "-l", this.logFile, "-w", "-t", "60", "start"]);
    } catch (error) {
      throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${readFileSync(this.logFile, "utf8")}`, {
        cause: error,
      });
    }
  }

  /** "fast" ends sessions and shuts down cleanly; "immediate" is a crash, recovered from on the next start. */
  async stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    await this.run("pg_ctl", ["-D", this.dataDir, "-m", mode, "-w", "stop"]);
  }

  /**
   * Freezes the server and its sessions (SIGSTOP), as a network that drops every packet
   * would: connections neither answer nor fail. `resume` lets them go on.
   */
  pause(): void {
    for (const pid of this.serverProcesses()) process.kill(pid, "SIGSTOP");
  }

  resume(): void {
    for (const pid of this.serverProcesses()) process.kill(pid, "SIGCONT");
  }

  async destroy(): Promise<void> {
    await this.stop("immediate").catch(() => undefined); // already stopped
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The postmaster (first line of postmaster.pid) and its children, the sessions among them. */
  private serverProcesses(): number[] {
    const postmaster = Number(readFileSync(join(this.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    const children = readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          // /proc/<pid>/stat: "pid (name) state ppid ..."; the name may hold spaces, not ")".
          return Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]) === postmaster;
        } catch {
          return false; // the process ended meanwhile
        }
      })
      .map(Number);
    return [postmaster, ...children];
  }

  private get dataDir(): string {
    return join(this.dir, "data");
  }

  private get logFile(): string {
    return join(this.dir, "server.log");
  }

  private async run(program: string, args: string[]): Promise<void> {
    const path = join(this.bin, program);
    const [file, argv] = serverUser() ? ["runuser", ["-u", "postgres", "--", path, ...args]] : [path, args];
    await run(file, argv, { cwd: this.dir });
  }
}

/** The user the server runs as when the tests run as root; undefined otherwise. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((line) => line.split(":"))
    .find((fields) => fields[0] === "postgres");
  if (!entry) throw new Error("running as root, but there is no postgres user to run PostgreSQL as");
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
