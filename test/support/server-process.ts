/**
 * The harness's server processes, for tests: a test that fails before stopping its server
 * must not leave it running, so every test file that imports this module kills its
 * children when it ends.
 */
import { afterAll } from "@jest/globals";
import { killServerProcesses } from "../../harness/server-process.js";

afterAll(killServerProcesses);

export { launchServerProcess, runCli, startServerProcess, type ServerProcess } from "../../harness/server-process.js";
