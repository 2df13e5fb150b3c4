/**
 * The Dockerfile's steps, run without Docker: each stage gets a directory of its own for
 * its WORKDIR; COPY copies from the repository (or, with --from, from the build stage's
 * directory), RUN runs the command there, ENV sets the variables, and the final stage's
 * ENTRYPOINT and CMD start the service, which its HEALTHCHECK command must find healthy.
 * Paths under the image's /data go to a temporary directory instead, and the final
 * stage's RUN (making /data for the user node) is not run: it changes the image's own
 * file system. What only Docker shows (the base image, users, the image's size) is not
 * tested here.
 *
 * It takes minutes (a fresh npm ci and build), so `npm test` skips it; .ci/run runs it
 * with LPS_TEST_IMAGE_BUILD=1.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryPath } from "../../harness/repository.js";
import { launchListeningProcess, type ListeningProcess } from "../../harness/server-process.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";
import { freePort } from "../support/free-port.js";

interface Instruction {
  readonly keyword: string;
  readonly argument: string;
}

interface Stage {
  readonly name?: string;
  readonly instructions: Instruction[];
}

function stagesOf(dockerfile: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of dockerfile.split("\n")) {
    const match = /^([A-Z]+) (.*)$/.exec(line);
    if (!match) continue;
    const [, keyword, argument] = match as unknown as [string, string, string];
    if (keyword === "FROM") stages.push({ name: / AS (\S+)$/i.exec(argument)?.[1], instructions: [] });
    else stages.at(-1)!.instructions.push({ keyword, argument });
  }
  return stages;
}

const stages = stagesOf(readFileSync(repositoryPath("Dockerfile"), "utf8"));
const [build, runtime] = stages as [Stage, Stage];

const enabled = process.env.LPS_TEST_IMAGE_BUILD === "1";
// Skipped unless asked for: it installs and builds the image's stages, which takes minutes;
// .ci/run asks for it in a run of its own (LPS_TEST_IMAGE_BUILD=1). The reason is in the name too.
const describeImageBuild = enabled ? describe : describe.skip; // skipped: takes minutes; .ci/run runs it on its own
const skipped = enabled ? "" : " (skipped: takes minutes; LPS_TEST_IMAGE_BUILD=1 runs it, as .ci/run does)";

describeImageBuild(`the Dockerfile's steps, without Docker${skipped}`, () => {
  let buildDir: string;
  let runtimeDir: string;
  let dataDir: string;
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root" };
  let server: ListeningProcess | undefined;

  /** The image's /data is the temporary directory. */
  const local = (value: string) => value.replaceAll("/data", dataDir);

  function copy(sources: string[], destination: string, from: string, into: string): void {
    const target = join(into, destination);
    for (const source of sources) {
      const path = join(from, source);
      const into = destination.endsWith("/") ? join(target, source.split("/").at(-1)!) : target;
      mkdirSync(join(into, ".."), { recursive: true });
      cpSync(path, into, { recursive: true });
    }
  }

  beforeAll(async () => {
    [buildDir, runtimeDir, dataDir] = [tempDir("lps-image-build-"), tempDir("lps-image-run-"), tempDir("lps-image-data-")];
    for (const { keyword, argument } of build.instructions) {
      if (keyword === "COPY") {
        const words = argument.split(" ");
        copy(words.slice(0, -1), words.at(-1)!, repositoryPath(), buildDir);
      } else if (keyword === "RUN") {
        execFileSync("sh", ["-c", argument], { cwd: buildDir, env: { ...env, npm_config_prefer_offline: "true" }, stdio: "ignore" });
      }
    }
    for (const { keyword, argument } of runtime.instructions) {
      if (keyword === "ENV") {
        const [name, ...value] = argument.split("=");
        env[name!] = local(value.join("="));
      } else if (keyword === "COPY") {
        const [from, ...words] = argument.split(" ");
        expect(from).toBe(`--from=${build.name}`);
        const sources = words.slice(0, -1).map((source) => source.replace(/^\/app\//, ""));
        copy(sources, words.at(-1)!, buildDir, runtimeDir);
      }
    }
    env.LPS_PORT = String(await freePort());
    env.LPS_HOST = "127.0.0.1";
  }, 600_000);

  afterAll(async () => {
    await server?.stop();
    removeTempDirs();
  });

  it("has a build stage and a final stage that copies from it", () => {
    expect(stages).toHaveLength(2);
    expect(build.name).toBe("build");
    expect(runtime.instructions.filter((i) => i.keyword === "RUN").map((i) => i.argument)).toEqual(["mkdir -p /data && chown node:node /data"]);
  });

  it("leaves the final stage without development dependencies or sources", () => {
    expect(existsSync(join(runtimeDir, "node_modules/pg"))).toBe(true);
    expect(existsSync(join(runtimeDir, "node_modules/prom-client"))).toBe(true);
    for (const dev of ["typescript", "jest", "eslint", "@grpc/grpc-js"]) expect(existsSync(join(runtimeDir, "node_modules", dev))).toBe(false);
    expect(existsSync(join(runtimeDir, "src"))).toBe(false);
  });

  it("starts the service with its ENTRYPOINT and CMD, and its HEALTHCHECK finds it healthy", async () => {
    const exec = (keyword: string) => JSON.parse(runtime.instructions.find((i) => i.keyword === keyword)!.argument) as string[];
    const [node, script, ...args] = [...exec("ENTRYPOINT"), ...exec("CMD")];
    expect(node).toBe("node");
    server = await launchListeningProcess(join(runtimeDir, script!), args, env).listening;
    expect(existsSync(join(dataDir, "lps.db"))).toBe(true);
    expect(existsSync(join(dataDir, "admin.pat"))).toBe(true);

    const healthcheck = runtime.instructions.find((i) => i.keyword === "HEALTHCHECK")!.argument;
    const command = JSON.parse(healthcheck.slice(healthcheck.indexOf("CMD ") + 4)) as string[];
    const healthy = spawnSync(process.execPath, command.slice(1), { cwd: runtimeDir, env, timeout: 10_000 });
    expect(healthy.status).toBe(0);

    // And it reports unhealthy when nothing answers.
    const unhealthy = spawnSync(process.execPath, command.slice(1), { cwd: runtimeDir, env: { ...env, LPS_PORT: String(await freePort()) }, timeout: 10_000 });
    expect(unhealthy.status).toBe(1);
  });
});
