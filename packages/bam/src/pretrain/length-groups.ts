import type { Mulberry32 } from '@bamgpu/core';

/** Batches per megabatch, as Hugging Face's LengthGroupedSampler. */
export const MEGABATCH_BATCHES = 50;

/**
 * An epoch's document order in which each batch holds documents of similar
 * length, so that little of a batch is padding (Hugging Face's
 * `group_by_length`). The epoch's shuffled order is cut into megabatches of
 * `MEGABATCH_BATCHES` batches; each is sorted by length, cut into batches,
 * and those batches are shuffled, so that lengths do not climb step by step.
 * Only the first `steps × batchSize` documents form batches (the rest of an
 * epoch is never trained on, as without grouping) and they stay at the end.
 * Every document still comes once; the order depends only on `order`,
 * `lengths` and `rng`, so a resumed run rebuilds it exactly.
 */
export function groupByLength(order: readonly number[], lengths: ArrayLike<number>, batchSize: number, rng: Mulberry32): number[] {
  const used = Math.floor(order.length / batchSize) * batchSize;
  const out: number[] = [];
  const span = MEGABATCH_BATCHES * batchSize;
  for (let start = 0; start < used; start += span) {
    // Stable sort: documents of equal length keep their shuffled order.
    const mega = order.slice(start, Math.min(start + span, used)).sort((x, y) => lengths[y] - lengths[x]);
    const batches: number[][] = [];
    for (let b = 0; b < mega.length; b += batchSize) batches.push(mega.slice(b, b + batchSize));
    for (const batch of rng.shuffle(batches)) out.push(...batch);
  }
  out.push(...order.slice(used));
  return out;
}
