import { describe, expect, it } from "@jest/globals";
import { createLogger } from "../../src/logger.js";

/** A logger whose lines are kept, parsed. */
function keptLines(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

async function nextMillisecond(): Promise<void> {
  const now = Date.now();
  while (Date.now() === now) await new Promise((resolve) => setImmediate(resolve));
}

describe("log lines", () => {
  it("carry the time they were written, in ISO 8601 to the millisecond", async () => {
    const { logger, lines } = keptLines();
    const before = Date.now();
    logger.info("first");
    logger.info("second");
    await nextMillisecond();
    logger.info("third");
    const after = Date.now();
    const times = lines.map((line) => line.time as string);
    for (const time of times) {
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(time)).toBeLessThanOrEqual(after);
    }
    expect(Date.parse(times[2]!)).toBeGreaterThan(Date.parse(times[0]!));
    expect(lines.map((line) => line.msg)).toEqual(["first", "second", "third"]);
  });
});
