/** The command line as operators meet it: what it prints, and how it exits. */
import { afterAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { runCli, startServerProcess } from "../support/server-process.js";
import { removeTempDirs, tempDir } from "../support/temp-dir.js";

afterAll(removeTempDirs);

describe("lps serve", () => {
  it("creates the instance on first start, prints how to call it, and finds it on the next", async () => {
    const databaseUrl = `sqlite:${join(tempDir(), "lps.db")}`;
    const first = await startServerProcess({ LPS_DATABASE_URL: databaseUrl, LPS_LOG_LEVEL: "info" });
    await new Promise((r) => setTimeout(r, 100));
    expect(first.output()).toContain(`curl -s -X POST ${first.url}/zitadel.admin.v1.AdminService/GetLoginPolicy`);
    expect(first.output()).toContain("grpcurl -plaintext -import-path proto -proto zitadel/admin/v1/admin.proto");
    const created = /"instanceId":"(\d+)","adminUserId":"\d+","engine":"sqlite","msg":"instance created"/.exec(first.output());
    expect(created).not.toBeNull();
    expect(await first.stop("SIGTERM")).toBe(0);

    const second = await startServerProcess({ LPS_DATABASE_URL: databaseUrl, LPS_LOG_LEVEL: "info" });
    await new Promise((r) => setTimeout(r, 100));
    expect(second.output()).toContain(`"instanceId":"${created![1]}","engine":"sqlite","msg":"instance found"`);
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
    expect(result.stderr).toContain('unknown command "frobnicate"; usage: lps');
  });

  it("says so, without a stack trace, when the port is taken", async () => {
    const databaseUrl = `sqlite:${join(tempDir(), "lps.db")}`;
    const holder = await startServerProcess({ LPS_DATABASE_URL: databaseUrl });
    const port = new URL(holder.url).port;
    const result = await runCli(["serve", "--port", port], { LPS_DATABASE_URL: `sqlite:${join(tempDir(), "other.db")}` });
    await holder.stop();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`lps: cannot listen on 127.0.0.1:${port}: the address is already in use\n`);
  });
});
