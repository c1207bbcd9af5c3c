/** `bam run` hparams JSON that the reference would refuse, or of the wrong type; names the key at fault. */
export class HparamsError extends Error {
  override name = 'HparamsError';

  constructor(
    /** The hparam at fault, or null when the JSON as a whole is wrong. */
    readonly key: string | null,
    problem: string,
  ) {
    super(key === null ? `hparams: ${problem}` : `hparams "${key}": ${problem}`);
  }
}
