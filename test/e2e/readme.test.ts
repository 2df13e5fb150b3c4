/**
 * The README's commands work as printed: its curl calls, its operator commands and its
 * Connect client run against a real server, changed only in the port (the server listens on
 * a free one) and in where they run (a directory holding data/admin.pat, as after a start).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");

let server: TestServer;
let workdir: string;

beforeAll(async () => {
  const dir = tempDir();
  server = await startTestServer({ LPS_ADMIN_PAT_PATH: join(dir, "admin.pat") });
  workdir = tempDir();
  mkdirSync(join(workdir, "data"));
  copyFileSync(join(dir, "admin.pat"), join(workdir, "data", "admin.pat"));
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

/** The shell commands of a README section, continuation lines joined. */
function commandsIn(section: string): string[] {
  const start = README.indexOf(`## ${section}\n`);
  const text = README.slice(start, README.indexOf("\n## ", start + 3));
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((block) => block.replace(/\\\n\s*/g, "").split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
}

async function sh(command: string, cwd: string, env: Record<string, string> = {}): Promise<string> {
  const onOurPort = command.replaceAll("127.0.0.1:8080", `127.0.0.1:${server.address.port}`);
  const { stdout } = await exec("sh", ["-c", onOurPort], { cwd, env: { ...process.env, ...env } });
  return stdout;
}

describe("the README", () => {
  it("has curl calls in 'Call it' that succeed as printed, in order", async () => {
    const curls = commandsIn("Call it").filter((c) => c.startsWith("curl "));
    expect(curls).toHaveLength(4);
    const answers = [];
    for (const curl of curls) answers.push(JSON.parse(await sh(curl, workdir)));
    expect(answers[0].policy).toMatchObject({ isDefault: true });
    expect(answers[1].details).toMatchObject({ resourceOwner: server.instance.id });
    expect(answers[2].result).toContain("SECOND_FACTOR_TYPE_OTP_SMS");
    expect(answers[3].details).toMatchObject({ resourceOwner: server.instance.id });
  });

  it("has curl calls in 'Safe changes' that work in sequence as printed, in one shell", async () => {
    const curls = commandsIn("Safe changes").filter((c) => c.startsWith("curl ") || c.startsWith("etag="));
    expect(curls).toHaveLength(7);
    const END = "<<<end of command>>>";
    const outputs = (await sh(curls.map((c) => `${c}\necho; echo '${END}'`).join("\n"), workdir)).split(END).map((o) => o.trim());
    const [etag, dryRun, change, stale, reach, lockout, undo] = outputs as [string, string, string, string, string, string, string];
    expect(etag).toMatch(/^"d\d+"$/);
    expect(dryRun).toMatch(/^HTTP\/1\.1 200/);
    expect(dryRun).toMatch(/^x-lps-affected-organizations: 1\r?$/m);
    const produced = /^etag: (.*?)\r?$/m.exec(dryRun)![1];
    expect(change).toMatch(/^HTTP\/1\.1 200/);
    expect(/^etag: (.*?)\r?$/m.exec(change)![1]).toBe(produced);
    expect(stale).toMatch(/^HTTP\/1\.1 412/);
    expect(stale).toContain("POLICY-Pr3c0");
    expect(stale).toContain(produced);
    expect(JSON.parse(reach)).toMatchObject({ details: { totalResult: "1" }, result: [{ followsDefault: true }], followingDefault: "1" });
    expect(JSON.parse(lockout).details[0].id).toBe("INSTANCE-L0ckS");
    expect(JSON.parse(undo).details.resourceOwner).toBe(server.instance.id);
  });

  it("has a curl in 'Watch a policy' that prints the policy as a server-sent event", async () => {
    const curls = commandsIn("The API").filter((c) => c.startsWith("curl "));
    expect(curls).toHaveLength(1);
    // The stream goes on until the client ends it: here, curl after two seconds (exit code 28).
    const stdout = await sh(`${curls[0]} --max-time 2`, workdir).catch((error: { code: number; stdout: string }) => {
      expect(error.code).toBe(28);
      return error.stdout;
    });
    const [first] = stdout.split("\n\n");
    const match = /^id: (d\d+)\ndata: (.*)$/.exec(first!);
    expect(match).not.toBeNull();
    expect(JSON.parse(match![2]!)).toMatchObject({ isDefault: true, version: match![1] });
  });

  it("has a curl call in 'Search the event log' that lists the instance's latest events", async () => {
    const curls = commandsIn("Search the event log").filter((c) => c.startsWith("curl "));
    expect(curls).toHaveLength(1);
    const { events } = JSON.parse(await sh(curls[0]!, workdir));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event: any) => event.aggregate.type.type === "instance")).toBe(true);
  });

  it("has a curl call in 'Login settings, the v2 way' that reads the instance's settings", async () => {
    const curls = commandsIn("Login settings, the v2 way").filter((c) => c.startsWith("curl "));
    expect(curls).toHaveLength(1);
    const answer = JSON.parse(await sh(curls[0]!, workdir));
    expect(answer.settings).toMatchObject({ resourceOwnerType: "RESOURCE_OWNER_TYPE_INSTANCE", passkeysType: "PASSKEYS_TYPE_ALLOWED" });
    expect(answer.details.resourceOwner).toBe(server.instance.id);
  });

  it("has operator commands that work in sequence, each ID fed to the next", async () => {
    const commands = commandsIn("Operator commands");
    expect(commands).toHaveLength(4);
    const env = {
      LPS_DATABASE_URL: server.databaseUrl,
      LPS_ADMIN_PAT_PATH: join(workdir, "data", "admin.pat"),
      LPS_LOG_LEVEL: "warn",
    };
    const ids: Record<string, string> = {};
    const outputs = [];
    for (const command of commands) {
      const filled = command.replace("<org ID>", ids.org ?? "").replace("<user ID>", ids.user ?? "");
      const output = (await sh(filled, ROOT, env)).trim();
      outputs.push(output);
      if (command.includes("orgs add")) ids.org = output;
      if (command.includes("users add")) ids.user = output;
    }
    expect(ids.org).toMatch(/^\d+$/);
    expect(ids.user).toMatch(/^\d+$/);
    expect(outputs[2]).toContain("ORG_OWNER");
    expect(outputs[3]).toMatch(/^lps_[\w-]{43}$/);
  });

  it("shows examples/connect-client.ts as it is, and that client runs", async () => {
    const example = readFileSync(join(ROOT, "examples", "connect-client.ts"), "utf8");
    expect(README).toContain("```ts\n" + example + "```");
    const { stdout } = await exec(process.execPath, [join(ROOT, "dist", "examples", "connect-client.js")], {
      env: { ...process.env, LPS_URL: server.url, LPS_ADMIN_PAT_PATH: join(workdir, "data", "admin.pat") },
    });
    expect(stdout).toBe("default policy; passkeys allowed; second factors: 2\n");
  });
});
