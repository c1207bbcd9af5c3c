/**
 * A pickle the reader refuses: truncated, malformed, or outside the small
 * subset it understands. The message starts with `file: pickle byte N:`,
 * N being the offset of the opcode that could not be read.
 */
export class PickleError extends Error {
  override name = 'PickleError';

  constructor(
    /** The file as the caller named it. */
    readonly file: string,
    /** Byte offset of the offending opcode. */
    readonly byte: number,
    /** What was wrong. */
    readonly problem: string,
  ) {
    super(`${file}: pickle byte ${byte}: ${problem}`);
  }
}
