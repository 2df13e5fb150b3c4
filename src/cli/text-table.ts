/** Rows as aligned columns under a header, for people reading a terminal. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "(none)\n";
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
