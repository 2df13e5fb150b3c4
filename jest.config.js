// Tests are TypeScript ES modules, transpiled one file at a time (type-checking is
// `npm run typecheck`'s job).
//
// Three projects, one suite: "sqlite" runs every test on the embedded engine; "postgres" runs
// the end-to-end tests once more, on a throwaway PostgreSQL cluster that its global setup
// starts, plus the tests only PostgreSQL has (test/postgres/). Without PostgreSQL's server
// binaries the end-to-end tests run on SQLite only, and the PostgreSQL tests are skipped
// with the reason below, printed at the start of the run. "browser" drives the web console
// in headless Chromium (test/console/browser/), with time limits of its own.
import { existsSync, readdirSync } from "node:fs";
import process from "node:process";

/**
 * initdb and pg_ctl: LPS_TEST_POSTGRES_BIN, or the newest /usr/lib/postgresql/<version>/bin
 * (Debian), as harness/postgres-cluster.ts finds them for the benchmark; Jest reads this file
 * before it can load TypeScript, so it looks for itself.
 */
function findPostgresBinaries() {
  if (process.env.LPS_TEST_POSTGRES_BIN) return process.env.LPS_TEST_POSTGRES_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/initdb`)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest && `${root}/${newest}/bin`;
}

const postgresBin = findPostgresBinaries();
// test/support/test-postgres.ts reads these; jest's workers inherit them.
if (postgresBin) process.env.LPS_TEST_POSTGRES_BIN = postgresBin;
else {
  process.env.LPS_TEST_POSTGRES_SKIPPED =
    "PostgreSQL's initdb was not found in /usr/lib/postgresql/<version>/bin (install Debian's postgresql package) " +
    "and LPS_TEST_POSTGRES_BIN is not set";
}

const typescript = {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true }] },
};

export default {
  testTimeout: 30000,
  projects: [
    {
      ...typescript,
      displayName: "sqlite",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/postgres/", "<rootDir>/test/console/browser/"],
    },
    {
      ...typescript,
      displayName: "browser",
      testMatch: ["<rootDir>/test/console/browser/**/*.test.ts"],
      // A browser step waits for the page (Playwright's own limit is 30 s a step); no test
      // may take longer than this in all.
      testTimeout: 90000,
    },
    {
      ...typescript,
      displayName: "postgres",
      testMatch: [...(postgresBin ? ["<rootDir>/test/e2e/**/*.test.ts"] : []), "<rootDir>/test/postgres/**/*.test.ts"],
      setupFiles: ["<rootDir>/test/support/postgres-engine.ts"],
      globalSetup: "<rootDir>/test/support/postgres-global-setup.ts",
      globalTeardown: "<rootDir>/test/support/postgres-global-teardown.ts",
    },
  ],
};
