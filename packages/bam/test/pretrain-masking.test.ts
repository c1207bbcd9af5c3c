// BERT's masking rule, checked on counts large enough that the rates are
// pinned to within a few standard errors: 15% of ordinary tokens chosen,
// 80% of those become [MASK], 10% a random ordinary token, 10% unchanged;
// special tokens are never chosen.
import { expect, test } from 'vitest';
import { maskRows } from '../src/pretrain/masking.js';
import { Mulberry32 } from '@bamgpu/core';

const SPECIAL = new Set([0, 1, 2, 3, 4]); // [PAD] [UNK] [CLS] [SEP] [MASK]
const OPTS = { rate: 0.15, maskId: 4, vocabSize: 50, specialIds: SPECIAL };

function rows(n: number, len: number, rng: Mulberry32): number[][] {
  return Array.from({ length: n }, () => [2, ...Array.from({ length: len }, () => 5 + rng.int(45)), 3]);
}

test('rates: 15% chosen, then 80/10/10', () => {
  const src = rows(400, 30, new Mulberry32(7));
  const t = 32;
  const m = maskRows(src, t, new Mulberry32(11), OPTS);
  const ordinary = 400 * 30;
  const chosen = m.positions.length;
  // Binomial(12000, 0.15): sd ≈ 39; allow 5 sd.
  expect(Math.abs(chosen - 0.15 * ordinary)).toBeLessThan(5 * Math.sqrt(ordinary * 0.15 * 0.85));
  let masked = 0;
  let same = 0;
  let random = 0;
  m.positions.forEach((p, k) => {
    const b = Math.floor(p / t);
    const i = p % t;
    expect(SPECIAL.has(src[b][i])).toBe(false);
    expect(m.labels[k]).toBe(src[b][i]);
    const now = m.inputIds[b][i];
    if (now === 4) masked++;
    else if (now === src[b][i]) same++;
    else {
      random++;
      expect(SPECIAL.has(now)).toBe(false);
    }
  });
  const sd = (p: number) => Math.sqrt(chosen * p * (1 - p));
  expect(Math.abs(masked - 0.8 * chosen)).toBeLessThan(5 * sd(0.8));
  // A random draw can hit the original token (1 in 45), which then counts as "same".
  expect(Math.abs(random - 0.1 * chosen * (44 / 45))).toBeLessThan(5 * sd(0.1));
  expect(Math.abs(same - 0.1 * chosen * (1 + 1 / 44))).toBeLessThan(5 * sd(0.1));
  // Positions outside the chosen set are untouched.
  const chosenSet = new Set(m.positions);
  src.forEach((r, b) => r.forEach((id, i) => chosenSet.has(b * t + i) || expect(m.inputIds[b][i]).toBe(id)));
});

test('deterministic in the generator, and at least one token per batch', () => {
  const src = rows(3, 2, new Mulberry32(1));
  const a = maskRows(src, 4, new Mulberry32(5), { ...OPTS, rate: 1e-9 });
  const b = maskRows(src, 4, new Mulberry32(5), { ...OPTS, rate: 1e-9 });
  expect(a).toEqual(b);
  expect(a.positions.length).toBe(1);
  expect(() => maskRows([[2, 3]], 2, new Mulberry32(1), OPTS)).toThrow(/no row of the batch has an ordinary token/);
});
