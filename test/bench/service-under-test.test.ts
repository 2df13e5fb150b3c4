/**
 * The benchmark's service under test, run from the build as `npm run bench` runs it: a
 * service that dies during a run is reported, with its last words on stderr, so the run
 * fails instead of waiting on answers that never come; one stopped by the run is not.
 */
import { afterAll, expect, it } from "@jest/globals";
import { join } from "node:path";
import type * as ServiceUnderTest from "../../bench/service-under-test.js";
import { repositoryPath } from "../../harness/repository.js";
import { removeTempDirs, tempDir } from "../../harness/temp-dir.js";

// From the build, as the benchmark runs it: the memory probe it loads into the service is found next to it.
const { startServiceUnderTest } = (await import(repositoryPath("dist/bench/service-under-test.js"))) as typeof ServiceUnderTest;

afterAll(removeTempDirs);

async function freshService() {
  const dir = tempDir();
  return startServiceUnderTest(`sqlite:${join(dir, "lps.db")}`, join(dir, "admin.pat"));
}

it("reports a service that exits during the run", async () => {
  const service = await freshService();
  process.kill(service.pid, "SIGKILL");
  await expect(service.died).rejects.toThrow("the service under test exited (SIGKILL) during the run");
});

it("does not report a service the run stops", async () => {
  const service = await freshService();
  await service.stop();
  const outcome = await Promise.race([service.died.then(() => "died", () => "died"), new Promise((resolve) => setTimeout(() => resolve("quiet"), 200))]);
  expect(outcome).toBe("quiet");
});
