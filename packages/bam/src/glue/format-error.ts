/**
 * A GLUE file does not have the layout its task expects. The message starts
 * with `file:line:` so editors and terminals can jump to the offending row.
 */
export class GlueFormatError extends Error {
  override name = 'GlueFormatError';

  constructor(
    /** The file as the caller named it (a path, or any label for in-memory text). */
    readonly file: string,
    /** 1-based line number of the offending row. */
    readonly line: number,
    /** What was wrong and what was expected. */
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}
