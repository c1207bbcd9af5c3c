import { TokenizerError } from './errors.js';
import { SPECIAL_TOKENS } from './special-tokens.js';

/** The special tokens a vocabulary must contain: encode needs [CLS] and [SEP], tokenize needs [UNK]. */
export const REQUIRED_SPECIAL_TOKENS = ['[UNK]', '[CLS]', '[SEP]'] as const;

/**
 * Splits vocab.txt content into tokens: line i (0-based) is the token with id i.
 * A final newline does not start another token; a UTF-8 byte order mark at the
 * start and a "\r" at each line end (Windows line endings) are dropped — Hugging
 * Face keeps both, which would corrupt the first token or every token. Nothing
 * else is trimmed: an empty line is the token "" (it still takes an id).
 */
export function parseVocabText(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body === '') return [];
  const lines = body.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/**
 * Token → id. When a token appears on several lines the last line wins, as in
 * Hugging Face's load_vocab; every line keeps its id for id → token.
 */
export function indexVocabulary(tokens: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  tokens.forEach((token, id) => index.set(token, id));
  return index;
}

/** Throws naming every required special token the vocabulary lacks. */
export function checkRequiredSpecialTokens(index: ReadonlyMap<string, number>, source: string): void {
  const missing = REQUIRED_SPECIAL_TOKENS.filter((token) => !index.has(token));
  if (missing.length > 0) {
    throw new TokenizerError(
      `vocabulary (${source}) lacks required special token${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ` +
        `a BERT vocabulary has one token per line including ${SPECIAL_TOKENS.join(' ')}`,
    );
  }
}
