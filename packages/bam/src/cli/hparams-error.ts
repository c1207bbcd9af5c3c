/** `bam run` hparams JSON that the reference would refuse, or of the wrong type; names the key at fault. */
export class HparamsError extends Error {
  override name = 'HparamsError';

  constructor(
    /** The hparam at fault, or null when the JSON as a whole is wrong. */
    readonly key: string | null,
    problem: string,
  ) {
    // JSON-quoted: a key may itself hold quotes or newlines.
    super(key === null ? `hparams: ${problem}` : `hparams ${JSON.stringify(key)}: ${problem}`);
  }
}
