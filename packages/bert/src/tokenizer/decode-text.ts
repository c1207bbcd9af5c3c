import { PYTHON_OUTER_WHITESPACE } from './unicode-classes.js';

/**
 * Hugging Face's BertTokenizer.convert_tokens_to_string: join the tokens with
 * single spaces, delete every " ##" (gluing a continuation to the piece before
 * it), and trim whitespace at both ends. It does not undo punctuation splitting
 * or accent stripping: "don't" comes back as "don ' t".
 */
export function joinWordPieces(tokens: readonly string[]): string {
  return tokens.join(' ').replaceAll(' ##', '').replace(PYTHON_OUTER_WHITESPACE, '');
}

/** Replacements of HF's clean_up_tokenization, applied in this order. */
const SPACING_FIXES: ReadonlyArray<readonly [string, string]> = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

/**
 * Hugging Face's clean_up_tokenization: removes the space before . ? ! , and
 * English contractions ("don ' t" → "don't"). It can also merge text that
 * really had those spaces, which is why decode() leaves it off by default.
 */
export function cleanUpTokenizationSpaces(text: string): string {
  return SPACING_FIXES.reduce((out, [from, to]) => out.replaceAll(from, to), text);
}
