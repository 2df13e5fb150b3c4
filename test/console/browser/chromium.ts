/**
 * Debian's Chromium, headless, driven by playwright-core (which downloads no browser of its
 * own), with a fresh profile that is removed with the test's other temporary directories.
 * The flags keep it from reaching anything but the server under test.
 */
import { existsSync } from "node:fs";
import { chromium, type BrowserContext } from "playwright-core";
import { tempDir } from "../../../harness/temp-dir.js";

export const CHROMIUM_PATH = process.env.LPS_TEST_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, if they cannot. */
export const chromiumSkipReason = existsSync(CHROMIUM_PATH)
  ? undefined
  : `${CHROMIUM_PATH} was not found (install Debian's chromium package, or name another binary in LPS_TEST_CHROMIUM)`;

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Gives up on a browser that does not start in this long. */
const LAUNCH_TIMEOUT_MS = 60_000;

export function launchChromium(): Promise<BrowserContext> {
  // Playwright passes the profile directory as --user-data-dir itself.
  return chromium.launchPersistentContext(tempDir("lps-chromium-"), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    timeout: LAUNCH_TIMEOUT_MS,
  });
}
