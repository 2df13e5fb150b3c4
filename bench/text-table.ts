/** Plain-text tables: columns padded to their widest cell, words to the left and numbers to the right. */

/** The first `textColumns` columns hold words, aligned left; the others numbers, aligned right. */
export function textTable(titles: readonly string[], textColumns: number, rows: readonly (readonly string[])[]): string {
  const widths = titles.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i < textColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(titles), ...rows.map(line)].join("\n") + "\n";
}
