/**
 * The significance tests behind every p-value `bam experiment` and
 * `bam compare` print: exact distributions against brute-force enumeration
 * of every relabelling (the definition of the exact test), and the normal
 * approximations against SciPy 1.17.1 (`mannwhitneyu(..., method='asymptotic',
 * use_continuity=True)`, `wilcoxon(..., zero_method='wilcox', correction=True,
 * method='approx')`), to 1e-6 (the normal CDF's fit is good to 1.2e-7).
 */
import { describe, expect, test } from 'vitest';
import { Mulberry32 } from '@bamgpu/core';
import { mannWhitneyU, signTest, wilcoxonSignedRank } from '../src/experiment/stats.js';

/** Every way to choose which k of n pooled values form the first sample. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k - 1).map((s) => [...s, n - 1]), ...subsets(n - 1, k)];
}

/** Two-sided exact Mann–Whitney p by enumerating every split of the pooled sample. */
function bruteMannWhitney(a: number[], b: number[]): number {
  const all = [...a, ...b];
  const u = (xs: number[], ys: number[]) => xs.reduce((s, x) => s + ys.filter((y) => x > y).length, 0);
  const observed = u(a, b);
  const mid = (a.length * b.length) / 2;
  const splits = subsets(all.length, a.length);
  const extreme = splits.filter((idx) => {
    const xs = idx.map((i) => all[i]);
    const ys = all.filter((_, i) => !idx.includes(i));
    return Math.abs(u(xs, ys) - mid) >= Math.abs(observed - mid) - 1e-9;
  });
  return extreme.length / splits.length;
}

/** Two-sided exact signed-rank p by enumerating all 2^n sign patterns of the ranks. */
function bruteSignedRank(ds: number[]): number {
  const n = ds.length;
  const ranks = ds.map((d) => 1 + ds.filter((e) => Math.abs(e) < Math.abs(d)).length);
  const w = ds.reduce((s, d, i) => s + (d > 0 ? ranks[i] : 0), 0);
  const mid = (n * (n + 1)) / 4;
  let extreme = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let s = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) s += ranks[i];
    if (Math.abs(s - mid) >= Math.abs(w - mid) - 1e-9) extreme++;
  }
  return extreme / 2 ** n;
}

function binomialTwoSided(k: number, n: number): number {
  const pmf = (i: number) => {
    let c = 1;
    for (let j = 1; j <= i; j++) c = (c * (n - i + j)) / j;
    return c / 2 ** n;
  };
  let tail = 0;
  for (let i = 0; i <= Math.min(k, n - k); i++) tail += pmf(i);
  return Math.min(1, 2 * tail);
}

const rng = new Mulberry32(20261205);
const sample = (n: number) => Array.from({ length: n }, () => Math.round((rng.uniform() - 0.3) * 1e6) / 1e3);

describe('Mann–Whitney U', () => {
  test('exact p equals enumeration of every split, for random samples without ties', () => {
    for (let trial = 0; trial < 12; trial++) {
      const a = sample(2 + (trial % 4));
      const b = sample(3 + (trial % 3));
      const r = mannWhitneyU(a, b);
      expect(r.method).toBe('exact');
      expect(r.p).toBeCloseTo(bruteMannWhitney(a, b), 12);
    }
  });

  test('matches SciPy: exact without ties, normal approximation with them', () => {
    const exact = mannWhitneyU([0.1, 0.5, 0.9, 1.3, 2.0], [0.2, 0.3, 0.4, 0.6, 0.7]);
    expect(exact).toMatchObject({ u: 18, method: 'exact' });
    expect(exact.p).toBeCloseTo(0.30952380952380953, 12);
    const ties = mannWhitneyU([1, 2, 2, 3, 4, 5], [2, 3, 3, 6, 7, 8, 9]);
    expect(ties).toMatchObject({ u: 9, method: 'normal' });
    expect(Math.abs(ties.p - 0.09667054340670089)).toBeLessThan(1e-6);
  });

  test('five seeds against five: 0.008 is the smallest two-sided p', () => {
    expect(mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).p).toBeCloseTo(2 / 252, 12);
  });
});

describe('sign test', () => {
  test('equals the two-sided binomial tail, zeros dropped', () => {
    for (let n = 1; n <= 20; n++) for (let k = 0; k <= n; k++) {
      const diffs = [...Array(k).fill(1), ...Array(n - k).fill(-2), 0, 0];
      const r = signTest(diffs);
      expect(r).toMatchObject({ n, statistic: k, method: 'exact' });
      expect(r.p).toBeCloseTo(binomialTwoSided(k, n), 12);
    }
  });

  test('matches SciPy binomtest: 14 of 15 and 3 of 10', () => {
    expect(signTest([...Array(14).fill(0.5), -1]).p).toBeCloseTo(0.0009765625, 12);
    expect(signTest([...Array(3).fill(1), ...Array(7).fill(-1)]).p).toBeCloseTo(0.34375, 12);
  });

  test('no non-zero difference: p = 1', () => {
    expect(signTest([0, 0]).p).toBe(1);
  });
});

describe('Wilcoxon signed-rank', () => {
  test('exact p equals enumeration of every sign pattern, for random differences without ties', () => {
    for (let trial = 0; trial < 12; trial++) {
      const ds = sample(3 + (trial % 8));
      const r = wilcoxonSignedRank(ds);
      expect(r.method).toBe('exact');
      expect(r.p).toBeCloseTo(bruteSignedRank(ds), 12);
    }
  });

  test('matches SciPy: exact without ties, normal approximation with ties and a zero', () => {
    const exact = wilcoxonSignedRank([1.5, -0.3, 2.2, 0.8, 1.1, -0.6, 3.0, 0.4]);
    // SciPy reports min(W+, W−) = 4; W+ = 36 − 4.
    expect(exact).toMatchObject({ n: 8, statistic: 32, method: 'exact' });
    expect(exact.p).toBeCloseTo(0.0546875, 12);
    const ties = wilcoxonSignedRank([1, 1, -2, 3, 3, 3, -1, 4, 0, 2]);
    expect(ties).toMatchObject({ n: 9, statistic: 45 - 6.5, method: 'normal' });
    expect(Math.abs(ties.p - 0.06417639475454485)).toBeLessThan(1e-6);
  });

  test('is symmetric in the sign of every difference', () => {
    const ds = sample(9);
    expect(wilcoxonSignedRank(ds.map((d) => -d)).p).toBeCloseTo(wilcoxonSignedRank(ds).p, 12);
  });
});
