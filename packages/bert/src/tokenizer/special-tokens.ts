/** BERT's special tokens, in the spelling every BERT vocab.txt uses. */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

const SPECIAL_SET: ReadonlySet<string> = new Set(SPECIAL_TOKENS);

export function isSpecialToken(token: string): token is SpecialToken {
  return SPECIAL_SET.has(token);
}

/** A stretch of input text: either exactly one special token or ordinary text between them. */
export interface TextPiece {
  text: string;
  special: boolean;
}

/**
 * Cuts special tokens out of raw text, left to right, exact and case-sensitive
 * ("[sep]" is ordinary text), as Hugging Face does before any cleaning or
 * lower-casing. No special token is a prefix of another, so taking the first
 * one that starts at each position equals HF's trie match.
 */
export function splitOnSpecialTokens(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let pieceStart = 0;
  let at = text.indexOf('[');
  while (at !== -1) {
    const hit = SPECIAL_TOKENS.find((token) => text.startsWith(token, at));
    if (hit === undefined) {
      at = text.indexOf('[', at + 1);
      continue;
    }
    if (at > pieceStart) pieces.push({ text: text.slice(pieceStart, at), special: false });
    pieces.push({ text: hit, special: true });
    pieceStart = at + hit.length;
    at = text.indexOf('[', pieceStart);
  }
  if (pieceStart < text.length) pieces.push({ text: text.slice(pieceStart), special: false });
  return pieces;
}
