import type { Mulberry32 } from '@bamgpu/core';

/** Batches per megabatch, as Hugging Face's LengthGroupedSampler. */
export const MEGABATCH_BATCHES = 50;

/**
 * An epoch's order whose batches hold documents of similar length, so that
 * little of a batch is padding (Hugging Face's `group_by_length`): megabatches
 * of the shuffled order are sorted by length, cut into batches, and those are
 * shuffled so that lengths do not climb step by step. Documents past the last
 * full batch (never trained on, as without grouping) stay at the end. A pure
 * function of its arguments, so a resumed run rebuilds it exactly.
 */
export function groupByLength(order: readonly number[], lengths: ArrayLike<number>, batchSize: number, rng: Mulberry32): number[] {
  const used = Math.floor(order.length / batchSize) * batchSize;
  const out: number[] = [];
  const span = MEGABATCH_BATCHES * batchSize;
  for (let start = 0; start < used; start += span) {
    const mega = order.slice(start, Math.min(start + span, used)).sort((x, y) => lengths[y] - lengths[x]);
    const batches: number[][] = [];
    for (let b = 0; b < mega.length; b += batchSize) batches.push(mega.slice(b, b + batchSize));
    for (const batch of rng.shuffle(batches)) out.push(...batch);
  }
  out.push(...order.slice(used));
  return out;
}
