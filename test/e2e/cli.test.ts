/** The command line as operators meet it: what it prints, and how it exits. */
import { afterAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { runCli, startServerProcess } from "../support/server-process.js";
import { freshDatabaseUrl } from "../support/test-database.js";

const exec = promisify(execFile);

afterAll(removeTempDirs);

describe("lps serve", () => {
  it("creates the instance on first start, prints how to call it, and finds it on the next", async () => {
    const databaseUrl = await freshDatabaseUrl();
    const patPath = join(tempDir(), "admin.pat");
    const first = await startServerProcess({ LPS_DATABASE_URL: databaseUrl, LPS_ADMIN_PAT_PATH: patPath, LPS_LOG_LEVEL: "info" });
    await new Promise((r) => setTimeout(r, 100));
    expect(first.output()).toContain(`The admin user's token is in ${patPath}.`);
    const token = `"authorization: Bearer $(cat ${patPath})"`;
    expect(first.output()).toContain(`grpcurl -plaintext -H ${token} 127.0.0.1:${new URL(first.url).port} zitadel.admin.v1.AdminService/GetLoginPolicy`);
    // The curl commands work as printed.
    const curls = first.output().split("\n").map((line) => line.trim()).filter((line) => line.startsWith("curl "));
    expect(curls).toHaveLength(2);
    for (const curl of curls) {
      const { stdout } = await exec("sh", ["-c", curl]);
      expect(JSON.parse(stdout).policy).toMatchObject({ isDefault: true, allowUsernamePassword: true });
    }
    const created = /"instanceId":"(\d+)","adminUserId":"\d+","engine":"\w+","msg":"instance created"/.exec(first.output());
    expect(created).not.toBeNull();
    expect(await first.stop("SIGTERM")).toBe(0);

    const second = await startServerProcess({ LPS_DATABASE_URL: databaseUrl, LPS_ADMIN_PAT_PATH: patPath, LPS_LOG_LEVEL: "info" });
    await new Promise((r) => setTimeout(r, 100));
    expect(second.output()).toMatch(new RegExp(`"instanceId":"${created![1]}","engine":"\\w+","msg":"instance found"`));
    expect(await second.stop("SIGINT")).toBe(0);
  });

  it("explains invalid configuration in plain words and exits with 2", async () => {
    const result = await runCli(["serve", "--port", "eighty"], { LPS_LOG_LEVEL: "chatty" });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        "invalid configuration:",
        '  - LPS_PORT (--port): must be a whole number from 0 to 65535, got "eighty"',
        '  - LPS_LOG_LEVEL (--log-level): must be one of fatal, error, warn, info, debug, trace, silent, got "chatty"',
        "",
      ].join("\n"),
    );
  });

  it("refuses unknown commands with its usage", async () => {
    const result = await runCli(["frobnicate"], {});
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(`lps: unknown command "frobnicate"\nusage:\n  lps [serve]`)).toBe(true);
    expect(result.stderr).toContain("lps tokens create <user ID> [--expires-in ...] [--expires-at ...] [--json]");
  });

  it("says so, without a stack trace, when the port is taken", async () => {
    const databaseUrl = await freshDatabaseUrl();
    const holder = await startServerProcess({ LPS_DATABASE_URL: databaseUrl });
    const port = new URL(holder.url).port;
    const result = await runCli(["serve", "--port", port], { LPS_DATABASE_URL: await freshDatabaseUrl() });
    await holder.stop();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`lps: cannot listen on 127.0.0.1:${port}: the address is already in use\n`);
  });
});
