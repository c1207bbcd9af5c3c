/**
 * The results table of `bam experiment` and `bam demo`: under the methods it
 * gives Mann–Whitney p-values (the paper's test) and the same comparisons
 * paired by seed (sign and signed-rank tests), worked out by hand here.
 */
import { expect, test } from 'vitest';
import { formatTable, summariseRuns, type RunRecord } from '../src/experiment/experiment.js';
import type { MethodName } from '../src/experiment/methods.js';

const TASKS = [{ name: 'a', metrics: ['accuracy'] }];
const run = (method: MethodName, seed: number, accuracy: number): RunRecord => ({ method, seed, dev: { a: { accuracy } }, histories: {}, seconds: 0 });
const SEEDS = [0, 1, 2, 3, 4];
const SINGLE = [0.6, 0.6, 0.6, 0.6, 0.6];
const MULTI = [0.4, 0.41, 0.42, 0.43, 0.44];
// BAM − Multi per seed: +5, −1, +6, +7, +8 (distinct sizes, so the signed-rank test is exact).
const BAM = [0.45, 0.4, 0.48, 0.5, 0.52];

function result(methods: MethodName[], seeds = SEEDS) {
  const by: Record<string, number[]> = { single: SINGLE, multi: MULTI, bam: BAM };
  const runs = methods.flatMap((m) => seeds.map((s) => run(m, s, by[m][s])));
  return summariseRuns(TASKS, methods, runs);
}

test('the paired lines: mean difference, wins–losses, sign test and signed-rank p, per baseline', () => {
  const lines = formatTable(result(['single', 'multi', 'bam'])).split('\n');
  const at = lines.indexOf('Paired by seed (method − baseline, per-seed average, wins–losses; two-sided p-values):');
  expect(at).toBeGreaterThan(0);
  expect(lines.slice(at + 1)).toEqual([
    // All five below: sign test 2/32, signed rank W+ = 0 → 2/32.
    '  Multi vs Single: −18.0, 0–5, sign test 0.063, signed-rank 0.063',
    '  BAM vs Single: −13.0, 0–5, sign test 0.063, signed-rank 0.063',
    // 4 of 5 above: sign test 2·(1+5)/32 = 0.375; the one loss has rank 1, so W− = 1 and p = 2·2/32 = 0.125.
    '  BAM vs Multi: +5.0, 4–1, sign test 0.375, signed-rank 0.125',
  ]);
  expect(lines).toContain('Mann–Whitney U p-values of the per-seed averages (two-sided):');
});

test('with one seed there is nothing to test, and without a baseline nothing to pair', () => {
  expect(formatTable(result(['single', 'multi', 'bam'], [0]))).not.toMatch(/p-values/);
  expect(formatTable(result(['bam']))).not.toMatch(/Paired by seed|Mann–Whitney/);
});
