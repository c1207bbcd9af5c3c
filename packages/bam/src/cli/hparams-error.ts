import { SettingsError } from '../settings/rules.js';

/**
 * `bam run` hparams JSON that the reference would refuse, or a value that
 * breaks its rule (HPARAM_RULES: type and range); names the key at fault.
 * A SettingsError, so the CLI reports it as one (exit code 2).
 */
export class HparamsError extends SettingsError {
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
