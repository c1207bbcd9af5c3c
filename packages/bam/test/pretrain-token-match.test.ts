/**
 * The token-match pre-training task: its answers, worked out by hand, and
 * its head's loss and gradients against a float64 PyTorch reference
 * (scripts/fixtures/token_match_reference.py).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, expect, test } from 'vitest';
import { Mulberry32, mul, scope, tensor, type Tensor } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { TokenMatchHead, tokenMatchTargets } from '../src/pretrain/token-match.js';
import { makePretrainBatch } from '../src/pretrain/batch.js';

beforeAll(async () => {
  await initNode();
});

const CLS = 2;
const SEP = 3;

test('answers: 1 where the token is absent from the other segment; one-segment rows, [CLS], [SEP] and masked tokens are not scored', () => {
  const rows = [
    // [CLS] 10 11 12 [SEP] 12 13 10 10 [SEP]
    { inputIds: [CLS, 10, 11, 12, SEP, 12, 13, 10, 10, SEP], tokenTypeIds: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1] },
    // one segment: [CLS] 10 11 [SEP]
    { inputIds: [CLS, 10, 11, SEP], tokenTypeIds: [0, 0, 0, 0] },
    // [CLS] 20 [SEP] 21 [SEP]
    { inputIds: [CLS, 20, SEP, 21, SEP], tokenTypeIds: [0, 0, 0, 1, 1] },
  ];
  const t = 10;
  const none = tokenMatchTargets(rows, t, new Set());
  expect(none.positions).toEqual([1, 2, 3, 5, 6, 7, 8, 21, 23]);
  expect(none.labels).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 1]);
  // Masked tokens (flat positions 2 and 7, and 21 in row 2) drop out; the answers
  // still come from the unmasked rows, so 10 in segment B still matches 10 in A.
  const masked = tokenMatchTargets(rows, t, new Set([2, 7, 21]));
  expect(masked.positions).toEqual([1, 3, 5, 6, 8, 23]);
  expect(masked.labels).toEqual([0, 0, 0, 1, 0, 1]);
});

test('a batch carries the answers of its rows as framed, minus the masked positions, and none without the task', async () => {
  const docs = { a: [[10, 11, 12], [10, 11]], b: [[12, 13], null] };
  const options = { masking: { rate: 0.5, maskId: 4, vocabSize: 20, specialIds: new Set([0, 1, 2, 3, 4]) }, padId: 0, clsId: CLS, sepId: SEP, maxLength: 16, nextSentence: false, tokenMatch: true };
  const batch = makePretrainBatch(docs, [0, 1], new Mulberry32(7), options);
  const chosen = new Set(Array.from((await batch.positions.data()) as Int32Array));
  const expected = tokenMatchTargets([{ inputIds: [CLS, 10, 11, 12, SEP, 12, 13, SEP], tokenTypeIds: [0, 0, 0, 0, 0, 1, 1, 1] }], 8, chosen);
  expect(batch.tokenMatch === null).toBe(expected.positions.length === 0);
  if (batch.tokenMatch) {
    expect(Array.from((await batch.tokenMatch.positions.data()) as Int32Array)).toEqual(expected.positions);
    expect(Array.from((await batch.tokenMatch.labels.data()) as Int32Array)).toEqual(expected.labels);
  }
  expect(batch.matched).toBe(expected.positions.length);
  batch.dispose();
  const off = makePretrainBatch(docs, [0, 1], new Mulberry32(7), { ...options, tokenMatch: false });
  expect(off.tokenMatch).toBeNull();
  expect(off.matched).toBe(0);
  off.dispose();
});

interface Reference {
  shape: [number, number, number];
  weight: number;
  hidden: number[];
  positions: number[];
  labels: number[];
  params: Record<string, { shape: number[]; data: number[] }>;
  expected: Record<string, number[] | number>;
}
const ref = JSON.parse(readFileSync(new URL('./fixtures/token-match-reference.json', import.meta.url), 'utf8')) as Reference;

/** Largest |a − b| over the largest |b|: the error relative to the quantity's scale. */
function relativeError(a: ArrayLike<number>, b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

// The reference asks for flat position 2 twice, so grad.hidden also checks that both uses' gradients add up.
test('head: logits, weighted loss and every gradient (weights and hidden states) equal float64 PyTorch', async () => {
  const [b, t, h] = ref.shape;
  const head = new TokenMatchHead(h, 0.02);
  const { missing, unexpected } = head.loadStateDict(new Map(Object.entries(ref.params).map(([n, p]) => [n, Float32Array.from(p.data)])));
  expect(missing).toEqual([]);
  expect(unexpected).toEqual([]);
  const hidden = tensor(Float32Array.from(ref.hidden), [b, t, h], { requiresGrad: true });
  const got = await scope(async () => {
    const positions = tensor(Int32Array.from(ref.positions), [ref.positions.length], { dtype: 'int32' });
    const labels = tensor(Int32Array.from(ref.labels), [ref.labels.length], { dtype: 'int32' });
    const { logits, loss } = head.loss(hidden, positions, labels);
    const weighted: Tensor = mul(loss, ref.weight);
    weighted.backward();
    return { logits: Array.from((await logits.data()) as Float32Array), loss: ((await weighted.data()) as Float32Array)[0] };
  });
  // Float32 against float64 over sums of 8 terms: 1e-5 of the scale is ~100 float32 ulps.
  expect(relativeError(got.logits, ref.expected.logits as number[])).toBeLessThan(1e-5);
  expect(Math.abs(got.loss - (ref.expected.loss as number)) / (ref.expected.loss as number)).toBeLessThan(1e-5);
  expect(relativeError((await hidden.grad!.data()) as Float32Array, ref.expected['grad.hidden'] as number[])).toBeLessThan(1e-4);
  for (const [name, p] of head.namedParameters()) {
    expect(relativeError((await p.grad!.data()) as Float32Array, ref.expected[`grad.${name}`] as number[]), name).toBeLessThan(1e-4);
  }
  hidden.dispose();
  head.dispose();
});
