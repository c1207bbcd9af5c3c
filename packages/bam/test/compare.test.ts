/**
 * `bam compare`: runs are paired by experiment and seed, unmatched runs are
 * left out, the tests are the ones in stats.ts applied to the per-run
 * differences, and malformed results files are refused naming file and field.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { main, needsGpu } from '../src/cli/main.js';
import { ResultsFormatError, comparePaired, formatComparison, parseExperimentResults, readExperimentResults, type ExperimentRecord } from '../src/experiment/compare.js';
import { signTest, wilcoxonSignedRank } from '../src/experiment/stats.js';

const TASKS = ['a', 'b'];
const METRIC_OF = { a: 'accuracy', b: 'pearson' };
const run = (method: string, seed: number, a: number, b: number) => ({ method, seed, dev: { a: { accuracy: a }, b: { pearson: b, spearman: 0 } } });

function experiment(source: string, runs: ExperimentRecord['runs'], dataSeed?: number): ExperimentRecord {
  return { source, dataSeed, tasks: TASKS, metricOf: METRIC_OF, runs };
}

describe('comparePaired', () => {
  const e0 = experiment('e0', [run('multi', 0, 0.5, 0.4), run('bam', 0, 0.6, 0.4), run('multi', 1, 0.7, 0.2), run('bam', 1, 0.6, 0.1), run('multi', 2, 0.5, 0.5)], 0);
  const e1 = experiment('e1', [run('multi', 0, 0.4, 0.4), run('bam', 0, 0.5, 0.5), run('bam', 3, 0.9, 0.9), run('single', 0, 0.9, 0.9)], 1);

  test('pairs runs by experiment and seed, leaves out unmatched ones, and tests the per-run differences', () => {
    const [row] = comparePaired([e0, e1], ['multi']).filter((r) => r.method === 'bam');
    // e0 seed 0: (+10, 0) → +5; e0 seed 1: (−10, −10) → −10; e1 seed 0: (+10, +10) → +10. e0 seed 2 and e1 seed 3 have no partner.
    const diffs = [5, -10, 10];
    expect(row).toMatchObject({ method: 'bam', against: 'multi', pairs: 3, wins: 2, losses: 1 });
    expect(row.meanDiff).toBeCloseTo(5 / 3, 10);
    expect(row.taskDiffs.a).toBeCloseTo(10 / 3, 10);
    expect(row.taskDiffs.b).toBeCloseTo(0, 10);
    expect(row.sign.p).toBeCloseTo(signTest(diffs).p, 12);
    expect(row.wilcoxon.p).toBeCloseTo(wilcoxonSignedRank(diffs).p, 12);
  });

  test('two baselines are compared once, the later against the earlier', () => {
    const rows = comparePaired([e0, e1], ['single', 'multi']).map((r) => `${r.method}/${r.against}`);
    expect(rows).toContain('multi/single');
    expect(rows).not.toContain('single/multi');
    expect(rows).toContain('bam/multi');
  });

  test('refuses experiments on different tasks, naming the file', () => {
    const other = { ...experiment('other/results.json', []), tasks: ['a'] };
    expect(() => comparePaired([e0, other], ['multi'])).toThrow(ResultsFormatError);
    expect(() => comparePaired([e0, other], ['multi'])).toThrow(/other\/results\.json: its tasks or metrics differ from e0's/);
  });

  test('the text names the data seeds and prints one line per comparison, methods by their labels', () => {
    const text = formatComparison([e0, e1], comparePaired([e0, e1], ['multi']));
    expect(text).toMatch(/^2 experiment\(s\): data seed 0, data seed 1\./);
    expect(text.split('\n').filter((l) => /^BAM\s+Multi\s+3\s+\+1\.7\s+2–1/.test(l))).toHaveLength(1);
  });
});

describe('parseExperimentResults', () => {
  const valid = { tasks: TASKS, metricOf: METRIC_OF, runs: [run('multi', 0, 0.5, 0.5)], dataSeed: 4 };

  test('reads what bam experiment writes', () => {
    expect(parseExperimentResults(JSON.stringify(valid), 'r.json')).toMatchObject({ source: 'r.json', dataSeed: 4, tasks: TASKS });
  });

  test.each<[string, string, RegExp]>([
    ['not JSON', '{"tasks": [', /^r\.json: not JSON \(/],
    ['an array', '[]', /^r\.json: not a JSON object/],
    ['no tasks', JSON.stringify({ ...valid, tasks: [] }), /^r\.json: "tasks" must be a non-empty list/],
    ['a metric missing', JSON.stringify({ ...valid, metricOf: { a: 'accuracy' } }), /^r\.json: "metricOf" must name a metric for every task/],
    ['a run without a score', JSON.stringify({ ...valid, runs: [{ method: 'bam', seed: 1, dev: { a: { accuracy: 1 } } }] }), /^r\.json: runs\[0\] \(bam, seed 1\) has no finite b pearson/],
    ['a fractional seed', JSON.stringify({ ...valid, runs: [{ ...run('bam', 0, 1, 1), seed: 0.5 }] }), /^r\.json: runs\[0\] needs method, an integer seed/],
  ])('refuses %s, naming the file and the field', (_what, text, message) => {
    expect(() => parseExperimentResults(text, 'r.json')).toThrow(ResultsFormatError);
    expect(() => parseExperimentResults(text, 'r.json')).toThrow(message);
  });
});

describe('bam compare', () => {
  afterEach(() => vi.restoreAllMocks());
  const root = join(import.meta.dirname, '../../../docs/results');

  test('reads files only, so it starts no GPU', () => {
    expect(needsGpu(['compare', 'a'])).toBe(false);
    expect(needsGpu(['experiment'])).toBe(true);
  });

  test('--against takes method names only: a usage error (exit 2) before any file is read', async () => {
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    expect(await main(['compare', 'no-such-folder', '--against', 'multi,constructor'])).toBe(2);
    expect(await main(['compare', 'no-such-folder', '--against', ','])).toBe(2);
    expect(err).toEqual([expect.stringMatching(/^bam compare: --against has an unknown method "constructor"; valid: single, /), expect.stringMatching(/^bam compare: --against names no method; valid: single, /)]);
  });

  test('prints the paired table for results folders, with method labels; a file that is not one fails naming it', async () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    expect(await main(['compare', join(root, 'demo-5-seeds-grouped'), join(root, 'demo-5-seeds-grouped-data-seed-1'), '--against', 'multi'])).toBe(0);
    expect(out.join('\n')).toMatch(/^BAM λ=0 +Multi +10 /m);
    expect(out.join('\n')).toMatch(/^BAM mix 0\.5 +Multi +5 /m);
    expect(out.join('\n')).toMatch(/^BAM +Multi +10 +\+2\.5 +10–0 /m);
    const notResults = join(root, 'README.md');
    expect(await main(['compare', notResults])).toBe(1);
    expect(err.join('\n')).toContain(`${notResults}: not JSON`);
  });
});

test('the committed data-seed experiments: BAM above Multi in 14 of 15 paired runs', async () => {
  const root = join(import.meta.dirname, '../../../docs/results');
  const experiments = await Promise.all(['demo-5-seeds-grouped', 'demo-5-seeds-grouped-data-seed-1', 'demo-5-seeds-grouped-data-seed-2'].map((d) => readExperimentResults(join(root, d))));
  expect(experiments.map((e) => e.dataSeed)).toEqual([0, 1, 2]);
  const row = comparePaired(experiments, ['multi']).find((r) => r.method === 'bam');
  expect(row).toMatchObject({ pairs: 15, wins: 14, losses: 1 });
  expect(row?.sign.p).toBeCloseTo(32 / 2 ** 15, 12);
});
