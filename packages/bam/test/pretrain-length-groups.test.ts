// Length grouping of pre-training batches: the same documents once each,
// batches that pad little, a batch order that does not climb with length,
// and an order fixed by the seed (so a resumed run rebuilds it).
import { expect, test } from 'vitest';
import { Mulberry32 } from '@bamgpu/core';
import { MEGABATCH_BATCHES, groupByLength } from '../src/pretrain/length-groups.js';

const N = 1000;
const BATCH = 16;
const lengths = Array.from({ length: N }, (_, i) => 5 + ((i * 7919) % 36));
const shuffled = () => new Mulberry32(3).shuffle([...Array(N).keys()]);

/** Share of a step's positions that are padding, over the epoch's full batches. */
function paddingShare(order: readonly number[]): number {
  let padded = 0;
  let real = 0;
  for (let b = 0; b + BATCH <= N; b += BATCH) {
    const rows = order.slice(b, b + BATCH).map((d) => lengths[d]);
    padded += Math.max(...rows) * BATCH;
    real += rows.reduce((s, v) => s + v, 0);
  }
  return 1 - real / padded;
}

test('every document once, the remainder past the last full batch left where it was', () => {
  const order = shuffled();
  const grouped = groupByLength(order, lengths, BATCH, new Mulberry32(9));
  expect([...grouped].sort((a, b) => a - b)).toEqual([...Array(N).keys()]);
  const used = Math.floor(N / BATCH) * BATCH;
  expect(grouped.slice(used)).toEqual(order.slice(used));
});

test('batches pad little, where plain slices of the shuffled order pad a third', () => {
  const order = shuffled();
  expect(paddingShare(order)).toBeGreaterThan(0.3);
  expect(paddingShare(groupByLength(order, lengths, BATCH, new Mulberry32(9)))).toBeLessThan(0.03);
});

test('within a megabatch the batches are shuffled, not in order of length', () => {
  const grouped = groupByLength(shuffled(), lengths, BATCH, new Mulberry32(9));
  const longest = Array.from({ length: MEGABATCH_BATCHES }, (_, b) => Math.max(...grouped.slice(b * BATCH, (b + 1) * BATCH).map((d) => lengths[d])));
  const descending = longest.every((v, i) => i === 0 || v <= longest[i - 1]);
  const ascending = longest.every((v, i) => i === 0 || v >= longest[i - 1]);
  expect(descending || ascending).toBe(false);
});

test('the order is a function of the seed', () => {
  const a = groupByLength(shuffled(), lengths, BATCH, new Mulberry32(9));
  expect(groupByLength(shuffled(), lengths, BATCH, new Mulberry32(9))).toEqual(a);
  expect(groupByLength(shuffled(), lengths, BATCH, new Mulberry32(10))).not.toEqual(a);
});
