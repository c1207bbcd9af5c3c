import { describe, expect, test } from 'vitest';
import { Generator, philox4x32, rngU01, rngU32 } from '../src/random/generator.js';

const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(8, '0'));

describe('Philox4x32-10', () => {
  // Random123's known-answer vectors (kat_vectors, philox4x32 with 10 rounds).
  test.each([
    [[0, 0, 0, 0], [0, 0], ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], ['d16cfe09', '94fdcceb', '5001e420', '24126ea1']],
  ] as const)('counter %j, key %j gives the published block', (ctr, key, want) => {
    expect(hex(philox4x32(ctr, key))).toEqual(want);
  });

  test('element i of a call is lane i % 4 of block i / 4, keyed by the seed and numbered by the call', () => {
    const g = new Generator(1234);
    g.nextKey();
    const [k0, k1] = g.nextKey();
    expect([k0, k1]).toEqual([1234, 1]);
    const block = philox4x32([5, 0, 1, 0], [1234, 0]);
    expect([20, 21, 22, 23].map((i) => rngU32(k0, k1, i))).toEqual(block);
  });

  test('uniforms from 2^16 draws have the mean, spread and keep rate of U[0, 1)', () => {
    const n = 1 << 16;
    let sum = 0;
    let sq = 0;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const u = rngU01(7, 3, i);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      sq += u * u;
      if (u >= 0.1) kept++;
    }
    // Five standard errors: 1/sqrt(12n) for the mean, sqrt(0.09/n) for the keep rate.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 / Math.sqrt(12 * n));
    expect(Math.abs(sq / n - sum * sum / n / n - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
    expect(Math.abs(kept / n - 0.9)).toBeLessThan(5 * Math.sqrt(0.09 / n));
  });
});
