/**
 * Summary statistics for comparing methods over seeds: mean ± sample std,
 * the two-sided Mann–Whitney U test the BAM paper uses for significance,
 * and for runs paired by seed the sign test and Wilcoxon's signed-rank test.
 * Exact distributions for small samples without ties, normal approximations
 * with tie and continuity corrections otherwise.
 */
export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

export function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export interface MannWhitney {
  /** U of the first sample: pairs (a, b) with a > b, ties counting ½. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal';
}

/** Number of ways to choose k of n, as a float. */
function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Counts of each U value for sample sizes m, n (no ties), by the standard recurrence. */
function exactUDistribution(m: number, n: number): number[] {
  // f(m, n, u) = f(m−1, n, u−n) + f(m, n−1, u)
  const memo = new Map<string, number[]>();
  const f = (a: number, b: number): number[] => {
    const key = `${a},${b}`;
    const hit = memo.get(key);
    if (hit) return hit;
    let out: number[];
    if (a === 0 || b === 0) out = [1];
    else {
      const x = f(a - 1, b);
      const y = f(a, b - 1);
      out = new Array(a * b + 1).fill(0);
      x.forEach((c, u) => (out[u + b] += c));
      y.forEach((c, u) => (out[u] += c));
    }
    memo.set(key, out);
    return out;
  };
  return f(m, n);
}

function normalCdf(z: number): number {
  // Φ(z) = ½·erfc(−z/√2), erfc by the Chebyshev fit of Numerical Recipes (fractional error < 1.2e-7).
  const t = 1 / (1 + 0.5 * Math.abs(z) / Math.SQRT2);
  const y = t * Math.exp(-(z * z) / 2 - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - y / 2 : y / 2;
}

/** Σ (t³ − t) over groups of t equal values: what ties take from a rank statistic's variance. */
function tieSum(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const x of values) counts.set(x, (counts.get(x) ?? 0) + 1);
  let sum = 0;
  for (const c of counts.values()) sum += c ** 3 - c;
  return sum;
}

export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitney {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return { u: NaN, p: NaN, method: 'exact' };
  let u = 0;
  let ties = false;
  for (const x of a) for (const y of b) {
    if (x > y) u += 1;
    else if (x === y) {
      u += 0.5;
      ties = true;
    }
  }
  const all = [...a, ...b];
  if (!ties && new Set(all).size === all.length && m * n <= 400) {
    const dist = exactUDistribution(m, n);
    const total = choose(m + n, m);
    const lo = Math.min(u, m * n - u);
    let tail = 0;
    for (let k = 0; k <= lo; k++) tail += dist[k];
    return { u, p: Math.min(1, (2 * tail) / total), method: 'exact' };
  }
  // Normal approximation with tie correction and continuity correction.
  const N = m + n;
  const tieTerm = tieSum(all);
  const mu = (m * n) / 2;
  const sigma = Math.sqrt(((m * n) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  if (sigma === 0) return { u, p: 1, method: 'normal' };
  const z = (Math.abs(u - mu) - 0.5) / sigma;
  return { u, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), method: 'normal' };
}

export interface PairedTest {
  /** Pairs left after dropping zero differences. */
  n: number;
  /** Sign test: pairs with a positive difference. Signed rank: W+, the sum of their ranks. */
  statistic: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal';
}

/** Two-sided exact sign test of paired differences (zeros dropped): is a positive difference as likely as a negative one? */
export function signTest(diffs: readonly number[]): PairedTest {
  const nonZero = diffs.filter((d) => d !== 0);
  const n = nonZero.length;
  const k = nonZero.filter((d) => d > 0).length;
  if (n === 0) return { n, statistic: 0, p: 1, method: 'exact' };
  let tail = 0;
  for (let i = 0; i <= Math.min(k, n - k); i++) tail += choose(n, i);
  return { n, statistic: k, p: Math.min(1, (2 * tail) / 2 ** n), method: 'exact' };
}

/** Ranks of |d| from 1, ties taking their average rank. */
function absoluteRanks(ds: readonly number[]): number[] {
  const order = ds.map((d, i) => [Math.abs(d), i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(ds.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/**
 * Two-sided Wilcoxon signed-rank test of paired differences (zeros dropped,
 * as Wilcoxon did). Exact when there are no tied |d| and at most 50 pairs
 * (the counts of subsets of 1..n by sum are exact in doubles there); else
 * the normal approximation with tie and continuity corrections.
 */
export function wilcoxonSignedRank(diffs: readonly number[]): PairedTest {
  const ds = diffs.filter((d) => d !== 0);
  const n = ds.length;
  if (n === 0) return { n, statistic: 0, p: 1, method: 'exact' };
  const ranks = absoluteRanks(ds);
  const w = ds.reduce((s, d, i) => s + (d > 0 ? ranks[i] : 0), 0);
  const max = (n * (n + 1)) / 2;
  if (new Set(ds.map(Math.abs)).size === n && n <= 50) {
    // counts[s]: subsets of ranks 1..n whose sum is s; under H0 each of the 2^n sign patterns is equally likely.
    const counts = new Array<number>(max + 1).fill(0);
    counts[0] = 1;
    for (let r = 1; r <= n; r++) for (let s = max; s >= r; s--) counts[s] += counts[s - r];
    const lo = Math.min(w, max - w);
    let tail = 0;
    for (let s = 0; s <= lo; s++) tail += counts[s];
    return { n, statistic: w, p: Math.min(1, (2 * tail) / 2 ** n), method: 'exact' };
  }
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieSum(ds.map(Math.abs)) / 48);
  if (sigma === 0) return { n, statistic: w, p: 1, method: 'normal' };
  const z = (Math.abs(w - max / 2) - 0.5) / sigma;
  return { n, statistic: w, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), method: 'normal' };
}
