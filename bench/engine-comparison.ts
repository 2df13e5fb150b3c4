/**
 * Rows that compare one engine with another: PostgreSQL's full-stack reads over gRPC with
 * SQLite's, when a run measured both. The two were measured one after the other rather than
 * in turns, so on a busy machine the ratio is rougher than the others.
 */
import type { Row } from "./row.js";

const READ = { scenario: "GetLoginPolicy (Admin)", protocol: "grpc" };

export function engineComparisons(rows: readonly Row[]): Row[] {
  const read = (engine: string) =>
    rows.find(({ measured }) => measured.engine === engine && measured.scenario === READ.scenario && measured.protocol === READ.protocol)?.measured;
  const [sqlite, postgres] = [read("sqlite"), read("postgres")];
  if (!sqlite || !postgres) return [];
  return [{ measured: { ...postgres, scenario: `${READ.scenario}, PostgreSQL against SQLite` }, baseline: sqlite }];
}
