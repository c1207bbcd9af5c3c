/** Bad input to the BERT tokenizer: a missing or malformed vocabulary/config file, an id out of range, bad options. */
export class TokenizerError extends Error {
  override name = 'TokenizerError';
}
