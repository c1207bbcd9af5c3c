/** One row of a TSV file and the 1-based line it came from. */
export interface TsvRow {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * Splits TSV text into rows exactly as the BAM reference reads GLUE files
 * (`csv.reader(f, delimiter="\t", quotechar=None)` on a text-mode file):
 * - fields are separated by tabs, with no quote handling, so `"` is an ordinary
 *   character and a quoted field cannot span lines or hold a tab;
 * - lines end at \n, \r\n or a lone \r (Python's universal newlines);
 * - a final line ending does not start an extra row.
 * Because nothing spans lines, row k is always physical line k.
 * A leading byte-order mark is dropped: only header rows ever carry one
 * (MRPC's header is copied from a BOM-prefixed source file).
 */
export function parseTsv(text: string): TsvRow[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body === '') return [];
  const lines = body.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => ({ line: i + 1, fields: line.split('\t') }));
}
