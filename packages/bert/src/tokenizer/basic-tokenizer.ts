import { isSpecialToken } from './special-tokens.js';
import {
  CJK_IDEOGRAPHS,
  NONSPACING_MARKS,
  PUNCTUATION_OR_RUN,
  PYTHON_WHITESPACE_RUN,
  REMOVED_CHARS,
  SPACE_CHARS,
} from './unicode-classes.js';

/** Resolved normalisation settings of the basic tokenizer (no optional fields). */
export interface BasicTokenizerSettings {
  /** Lower-case every character (uncased vocabularies). */
  lowercase: boolean;
  /** NFD-decompose each word and drop its combining marks (Mn). */
  stripAccents: boolean;
  /** Put spaces around CJK ideographs so each is a word of its own. */
  tokenizeChineseChars: boolean;
}

/** Drops control/format/invalid characters and turns every whitespace character into a space. */
export function cleanText(text: string): string {
  return text.replace(REMOVED_CHARS, '').replace(SPACE_CHARS, ' ');
}

export function spaceOutCjkIdeographs(text: string): string {
  return text.replace(CJK_IDEOGRAPHS, ' $& ');
}

/**
 * Lower-cases each character on its own, as Hugging Face does (slow tokenizer:
 * a one-character-at-a-time regex pass; fast tokenizer: char::to_lowercase).
 * String#toLowerCase on a whole word differs only through Unicode's one
 * context-dependent rule, Final_Sigma (capital Σ at a word end → ς): per
 * character, Σ always becomes σ. google-research/bert (whole-word str.lower())
 * gives ς there; we follow Hugging Face.
 */
export function lowercaseEachChar(text: string): string {
  if (!text.includes('\u03A3')) return text.toLowerCase();
  let out = '';
  for (const ch of text) out += ch.toLowerCase();
  return out;
}

export function stripAccents(word: string): string {
  return word.normalize('NFD').replace(NONSPACING_MARKS, '');
}

/** Splits a word at punctuation: each punctuation character becomes a piece of its own. */
export function splitOnPunctuation(word: string): string[] {
  return word.match(PUNCTUATION_OR_RUN) ?? [];
}

/**
 * The reference basic tokenizer for text that contains no special token:
 * lower-case (if set) → clean → space out CJK → split at whitespace → strip
 * accents (if set) → split at punctuation. A whitespace word that is exactly a
 * special token (possible only in cased mode once cleaning has removed, say, a
 * zero-width space inside "[SE\u200BP]") is kept whole, as HF's never_split does.
 *
 * Unlike recent Hugging Face slow tokenizers there is no NFC step (neither
 * google-research/bert nor HF's fast tokenizer has one): decomposed "e\u0301"
 * stays two characters in cased mode.
 */
export function basicTokenize(text: string, settings: BasicTokenizerSettings): string[] {
  let normalized = cleanText(settings.lowercase ? lowercaseEachChar(text) : text);
  if (settings.tokenizeChineseChars) normalized = spaceOutCjkIdeographs(normalized);
  const words: string[] = [];
  for (const word of normalized.split(PYTHON_WHITESPACE_RUN)) {
    if (word === '') continue;
    if (isSpecialToken(word)) {
      words.push(word);
      continue;
    }
    words.push(...splitOnPunctuation(settings.stripAccents ? stripAccents(word) : word));
  }
  return words;
}
