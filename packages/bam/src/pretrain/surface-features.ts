import type { Feature } from '../train/features.js';

/** Columns kept at most: the ridge probe solves a square system of this order. */
export const MAX_SURFACE_TOKENS = 1000;

/**
 * Features of the raw tokens alone, no encoder: for one sentence, how often
 * each token occurs; for a pair, per token |count in a − count in b| and
 * whether both sentences contain it. A linear probe on these says what a
 * labelled set of this size gives a model that reads only which words
 * occur and differ — the baseline that tells "the encoder did not learn
 * it" from "these pairs do not teach it". Columns are the tokens of the
 * training split, the `maxTokens` most frequent if there are more; tokens
 * seen only in dev are dropped.
 */
export function surfaceFeatures(
  train: readonly Feature[],
  dev: readonly Feature[],
  isPair: boolean,
  maxTokens = MAX_SURFACE_TOKENS,
): { train: Float64Array[]; dev: Float64Array[]; tokens: number } {
  const frequency = new Map<number, number>();
  for (const f of train) for (const id of new Set(f.inputIds)) frequency.set(id, (frequency.get(id) ?? 0) + 1);
  const kept = [...frequency.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxTokens);
  const column = new Map(kept.map(([id], i) => [id, i]));
  const width = kept.length;
  const encode = (f: Feature): Float64Array => {
    const counts = [new Float64Array(width), new Float64Array(width)];
    f.inputIds.forEach((id, p) => {
      const c = column.get(id);
      if (c !== undefined) counts[isPair ? f.tokenTypeIds[p] ?? 0 : 0][c] += 1;
    });
    if (!isPair) return counts[0];
    const [a, b] = counts;
    const x = new Float64Array(2 * width);
    for (let c = 0; c < width; c++) {
      x[c] = Math.abs(a[c] - b[c]);
      x[width + c] = a[c] > 0 && b[c] > 0 ? 1 : 0;
    }
    return x;
  };
  return { train: train.map(encode), dev: dev.map(encode), tokens: width };
}
