/** The closed vocabulary of the synthetic language and its WordPiece vocab.txt. */
import { ADJECTIVES, FUNCTION_WORDS, NOUNS, VERBS } from './lexicon.js';

/** BERT's special tokens, in id order 0-4. */
export const SPECIAL_TOKENS: readonly string[] = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

let cached: readonly string[] | undefined;

/**
 * Every word a generated sentence can contain, each once: function words and
 * the full stop, then nouns (singular, plural), adjectives, verbs (-s form,
 * plain form, participle), in lexicon order. Deterministic, seed-independent.
 */
export function syntheticVocabulary(): readonly string[] {
  if (cached !== undefined) return cached;
  const words: string[] = [...FUNCTION_WORDS];
  for (const n of NOUNS) for (const f of n.forms) words.push(f.sg, f.pl);
  for (const a of ADJECTIVES) words.push(...a.forms);
  for (const v of VERBS) for (const f of v.forms) words.push(f.s3, f.base, f.part);
  cached = Object.freeze([...new Set(words)]);
  return cached;
}

/**
 * A vocab.txt for a WordPiece tokenizer: special tokens at ids 0-4, then
 * every vocabulary word as a whole token (so no word is ever split or [UNK]).
 */
export function syntheticVocabTxt(): string {
  return [...SPECIAL_TOKENS, ...syntheticVocabulary()].join('\n') + '\n';
}
