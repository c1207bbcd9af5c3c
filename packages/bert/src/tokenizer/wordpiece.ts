/** Words longer than this many code points become the unknown token (Hugging Face's limit; Google's was 200). */
export const MAX_WORD_CODE_POINTS = 100;

/** Prefix marking a piece that continues a word rather than starting one. */
export const CONTINUATION_PREFIX = '##';

/**
 * Greedy longest-match-first WordPiece for one word (no whitespace in it):
 * repeatedly take the longest vocabulary entry that matches at the current
 * position, "##"-prefixed after the first piece. A word that cannot be covered
 * completely, or is longer than MAX_WORD_CODE_POINTS, is `unkToken` as a whole.
 * Lengths and cut points are in code points, like the Python reference.
 */
export function wordpieceTokenize(word: string, vocab: ReadonlyMap<string, number>, unkToken: string): string[] {
  // UTF-16 offset of every code point boundary, so slices never split a surrogate pair.
  const bounds: number[] = [0];
  for (const ch of word) bounds.push(bounds[bounds.length - 1] + ch.length);
  const codePoints = bounds.length - 1;
  if (codePoints > MAX_WORD_CODE_POINTS) return [unkToken];

  const pieces: string[] = [];
  let start = 0;
  while (start < codePoints) {
    let end = codePoints;
    let piece: string | undefined;
    for (; end > start; end--) {
      const candidate = (start > 0 ? CONTINUATION_PREFIX : '') + word.slice(bounds[start], bounds[end]);
      if (vocab.has(candidate)) {
        piece = candidate;
        break;
      }
    }
    if (piece === undefined) return [unkToken];
    pieces.push(piece);
    start = end;
  }
  return pieces;
}
