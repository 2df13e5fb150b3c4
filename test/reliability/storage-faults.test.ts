/**
 * Storage faults are honest: the server process's SQLite file deleted, replaced or made
 * read-only under it, or its disk filled. Each turns readiness to not serving, answers
 * every call Unavailable, and never acknowledges a write that would be lost; recovers by
 * itself where that is sound (the same file back, writable again, space freed). And the
 * server writes no file but the database's own, so that a read-only root file system
 * cannot fail a write.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { status } from "@grpc/grpc-js";
import { chmodSync, copyFileSync, linkSync, renameSync, rmSync, unlinkSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { bearer } from "../../harness/connect-clients.js";
import { GrpcJsClient, type GrpcResult } from "../../harness/grpc-js-client.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { expectError, expectOk } from "../support/grpc-outcomes.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { waitFor } from "../support/wait-for.js";
import { smallDisk, unmount } from "../support/small-disk.js";

const UNAVAILABLE = { code: status.UNAVAILABLE, id: "STORE-Unav1", key: "Errors.Storage.Unavailable" };
const CHECK_INTERVAL_MS = "200";

afterAll(removeTempDirs);

interface Running {
  readonly server: ServerProcess;
  readonly client: GrpcJsClient;
  readonly dbPath: string;
}

async function start(dir = tempDir(), env: Record<string, string> = {}): Promise<Running> {
  const dbPath = join(dir, "lps.db");
  const server = await startServerProcess({
    LPS_DATABASE_URL: `sqlite:${dbPath}`,
    LPS_DATABASE_CHECK_INTERVAL_MS: CHECK_INTERVAL_MS,
    LPS_ADMIN_PAT_PATH: join(tempDir(), "admin.pat"),
    ...env,
  });
  const client = new GrpcJsClient(new URL(server.url).host, undefined, {}, bearer(server.adminToken));
  return { server, client, dbPath };
}

async function readiness(server: ServerProcess): Promise<number> {
  return (await fetch(`${server.url}/ready`)).status;
}

function write({ client }: Running, add: boolean): Promise<GrpcResult> {
  const method = add ? "AddSecondFactorToLoginPolicy" : "RemoveSecondFactorFromLoginPolicy";
  return client.call("admin", method, { type: "SECOND_FACTOR_TYPE_OTP_SMS" });
}

/** Not ready, and both a read and a write answer Unavailable. */
async function expectRefusing(running: Running): Promise<void> {
  await waitFor(async () => (await readiness(running.server)) === 503, "readiness to turn not serving");
  expectError(await running.client.call("admin", "GetLoginPolicy"), UNAVAILABLE);
  expectError(await write(running, true), UNAVAILABLE);
}

async function expectServing(running: Running): Promise<void> {
  await waitFor(async () => (await readiness(running.server)) === 200, "readiness to turn serving");
  expectOk(await running.client.call("admin", "GetLoginPolicy"));
}

describe("a SQLite file that goes wrong under the server", () => {
  let running: Running;
  beforeEach(async () => {
    running = await start();
    expectOk(await write(running, true));
  });
  afterEach(async () => {
    running.client.close();
    await running.server.stop("SIGKILL");
  });

  it("deleted: not serving, no write acknowledged; serving again when the same file is back", async () => {
    const keep = `${running.dbPath}.keep`;
    linkSync(running.dbPath, keep); // a second name for the file, to put it back with
    unlinkSync(running.dbPath);
    await expectRefusing(running);
    renameSync(keep, running.dbPath);
    await expectServing(running);
    // The refused write was not applied: removing the factor works, adding it again too.
    expectOk(await write(running, false));
    expectOk(await write(running, true));
  });

  it("replaced by another file: not serving, and stays so (a restart opens the new file)", async () => {
    const copy = `${running.dbPath}.copy`;
    copyFileSync(running.dbPath, copy);
    renameSync(copy, running.dbPath);
    await expectRefusing(running);
    // Still refusing well after the change: the server never switches files by itself.
    await new Promise((resolve) => setTimeout(resolve, 3 * Number(CHECK_INTERVAL_MS)));
    expect(await readiness(running.server)).toBe(503);
    expectError(await write(running, false), UNAVAILABLE);
  });

  it("made read-only: not serving; serving and writing again once writable", async () => {
    chmodSync(running.dbPath, 0o444);
    await expectRefusing(running);
    chmodSync(running.dbPath, 0o600);
    await expectServing(running);
    expectOk(await write(running, false));
  });
});

describe("a full disk", () => {
  const disk = smallDisk(2);
  afterAll(() => {
    if (disk) unmount(disk);
  });

  // Skipped only where mounting a tmpfs is not allowed; the name says so.
  (disk ? it : it.skip)(`is Unavailable, not Internal, and writes resume once there is room${disk ? "" : " (skipped: cannot mount a tmpfs here)"}`, async () => {
    const running = await start(disk!);
    try {
      const filler = join(disk!, "filler");
      // Fill every byte left, then make the database want more: many writes grow the WAL.
      try {
        writeFileSync(filler, Buffer.alloc(4 << 20));
      } catch {
        // ENOSPC: the disk is full now, as meant
      }
      let refused: GrpcResult | undefined;
      for (let i = 0; i < 500 && !refused; i++) {
        const result = await write(running, i % 2 === 0);
        if (!result.ok) refused = result;
      }
      expect(refused).toBeDefined();
      expectError(refused!, UNAVAILABLE);
      expect(running.server.output()).not.toContain("internal error");
      rmSync(filler);
      await expectServing(running);
      const again = await write(running, false);
      const retried = again.ok ? again : await write(running, true);
      expectOk(retried);
    } finally {
      running.client.close();
      await running.server.stop("SIGKILL");
    }
  });
});

describe("temporary files", () => {
  it("are not made: what SQLite keeps besides the database's files stays in memory", async () => {
    // SQLite makes its temporary files in SQLITE_TMPDIR when set (else /var/tmp or /tmp), and
    // unlinks each at once: watching the directory is how they are seen.
    const scratch = tempDir();
    const made: string[] = [];
    const watcher = watch(scratch, (_event, name) => made.push(String(name)));
    const running = await start(tempDir(), { SQLITE_TMPDIR: scratch });
    try {
      // Each write runs in a savepoint whose journal keeps the pages it changes: a dozen, and
      // now and then (a b-tree page splits) more than the 64 KiB SQLite otherwise keeps in
      // memory. Without temp_store = MEMORY, 300 writes make several files.
      for (let n = 0; n < 300; n++) expectOk(await write(running, n % 2 === 0));
      await sleep(200); // the watcher's last events
      expect(made).toEqual([]);
    } finally {
      watcher.close();
      running.client.close();
      await running.server.stop("SIGKILL");
    }
  });
});
