/**
 * Fixed-width text columns, as `bam experiment` and `bam compare` print
 * them: each column as wide as its widest cell, two spaces apart, the first
 * `leftColumns` (names) left-aligned and the rest (numbers) right-aligned.
 */
export function columnFormatter(rows: readonly (readonly string[])[], leftColumns: number): { line: (cells: readonly string[]) => string; rule: string } {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return {
    line: (cells) => cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '),
    rule: widths.map((w) => '-'.repeat(w)).join('  '),
  };
}
