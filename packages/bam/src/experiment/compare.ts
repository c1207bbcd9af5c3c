/**
 * Methods compared over several experiments (`bam experiment` or `bam demo`
 * results.json: e.g. one per data seed), with runs paired by experiment and
 * fine-tuning seed. Five seeds of one experiment cannot give a paired p below
 * 0.0625; pooling experiments as pairs keeps each data seed's own level out of
 * the comparison, which pooling the runs themselves would not.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExperimentResult } from './experiment.js';
import { METHODS, type MethodName } from './methods.js';
import { signTest, wilcoxonSignedRank, mean, type PairedTest } from './stats.js';
import { columnFormatter } from './text-table.js';

/** What a comparison needs of one experiment: a results.json, or a result still in memory. */
export interface ExperimentRecord {
  source: string;
  dataSeed?: number;
  tasks: string[];
  metricOf: Record<string, string>;
  runs: { method: string; seed: number; dev: Record<string, Partial<Record<string, number>>> }[];
}

/** The record of an experiment just run (what its results.json will hold). */
export function experimentRecord(result: ExperimentResult, source: string, dataSeed?: number): ExperimentRecord {
  return { source, dataSeed, tasks: result.taskNames, metricOf: result.metricOf, runs: result.runs };
}

/** results.json files are a few MB; anything past this is not one. */
export const MAX_RESULTS_BYTES = 256 * 1024 * 1024;

/** A results.json that is not one: the message names the file and the field. */
export class ResultsFormatError extends Error {
  override name = 'ResultsFormatError';
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks the shape of a parsed results.json; errors name the file and the field. */
export function parseExperimentResults(text: string, source: string): ExperimentRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // JSON.parse's message quotes the text, newlines and all: keep its first line.
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 120);
    throw new ResultsFormatError(`${source}: not JSON (${why})`);
  }
  const bad = (what: string): never => {
    throw new ResultsFormatError(`${source}: ${what} (not a results.json of bam experiment or bam demo)`);
  };
  if (!isRecord(raw)) bad('not a JSON object');
  const o = raw as Record<string, unknown>;
  const tasks = o.tasks;
  if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every((t) => typeof t === 'string')) bad('"tasks" must be a non-empty list of names');
  const metricOf = o.metricOf;
  if (!isRecord(metricOf) || !(tasks as string[]).every((t) => typeof metricOf[t] === 'string')) bad('"metricOf" must name a metric for every task');
  if (!Array.isArray(o.runs)) bad('"runs" must be a list');
  const runs = (o.runs as unknown[]).map((r, i) => {
    if (!isRecord(r) || typeof r.method !== 'string' || !Number.isSafeInteger(r.seed) || !isRecord(r.dev)) bad(`runs[${i}] needs method, an integer seed and dev scores`);
    const run = r as { method: string; seed: number; dev: Record<string, unknown> };
    for (const t of tasks as string[]) {
      const scores = run.dev[t];
      const v = isRecord(scores) ? scores[(metricOf as Record<string, string>)[t]] : undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(`runs[${i}] (${run.method}, seed ${run.seed}) has no finite ${t} ${String((metricOf as Record<string, string>)[t])}`);
    }
    return run as ExperimentRecord['runs'][number];
  });
  const dataSeed = Number.isSafeInteger(o.dataSeed) ? (o.dataSeed as number) : undefined;
  return { source, dataSeed, tasks: tasks as string[], metricOf: metricOf as Record<string, string>, runs };
}

/** A results.json, or a folder holding one. */
export async function readExperimentResults(path: string): Promise<ExperimentRecord> {
  let file = path;
  let info = await stat(path).catch(() => null);
  if (info?.isDirectory()) {
    file = join(path, 'results.json');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) throw new ResultsFormatError(`${file}: no such results file`);
  if (info.size > MAX_RESULTS_BYTES) throw new ResultsFormatError(`${file}: ${info.size} bytes, more than a results.json holds (${MAX_RESULTS_BYTES})`);
  return parseExperimentResults(await readFile(file, 'utf8'), file);
}

export interface PairedComparison {
  method: string;
  against: string;
  /** Pairs of runs with the same experiment and seed. */
  pairs: number;
  /** Per-run average headline metric ×100: method − against, averaged over pairs; and per task. */
  meanDiff: number;
  taskDiffs: Record<string, number>;
  wins: number;
  losses: number;
  sign: PairedTest;
  wilcoxon: PairedTest;
}

/** Headline metric ×100 per task of one run. */
const scores = (e: ExperimentRecord, run: ExperimentRecord['runs'][number]): number[] => e.tasks.map((t) => 100 * (run.dev[t]?.[e.metricOf[t]] ?? NaN));

/**
 * Each method against each of `against` (those present), over every pair of
 * runs that share an experiment and a seed. The experiments must have the
 * same tasks and metrics.
 */
export function comparePaired(experiments: readonly ExperimentRecord[], against: readonly string[]): PairedComparison[] {
  if (experiments.length === 0) throw new RangeError('no experiments to compare');
  const [first] = experiments;
  for (const e of experiments) {
    const same = e.tasks.length === first.tasks.length && e.tasks.every((t, i) => t === first.tasks[i] && e.metricOf[t] === first.metricOf[t]);
    if (!same) throw new ResultsFormatError(`${e.source}: its tasks or metrics differ from ${first.source}'s; only experiments on the same tasks can be paired`);
  }
  const methods = [...new Set(experiments.flatMap((e) => e.runs.map((r) => r.method)))];
  const out: PairedComparison[] = [];
  for (const base of against) {
    for (const method of methods) {
      // Two baselines are compared once, the later one against the earlier.
      if (method === base || (against.includes(method) && against.indexOf(method) < against.indexOf(base))) continue;
      const diffs: number[][] = [];
      for (const e of experiments) {
        for (const run of e.runs.filter((r) => r.method === method)) {
          const other = e.runs.find((r) => r.method === base && r.seed === run.seed);
          if (!other) continue;
          const a = scores(e, run);
          const b = scores(e, other);
          diffs.push(a.map((x, i) => x - b[i]));
        }
      }
      if (diffs.length === 0) continue;
      const avg = diffs.map((d) => mean(d));
      out.push({
        method,
        against: base,
        pairs: diffs.length,
        meanDiff: mean(avg),
        taskDiffs: Object.fromEntries(first.tasks.map((t, i) => [t, mean(diffs.map((d) => d[i]))])),
        wins: avg.filter((d) => d > 0).length,
        losses: avg.filter((d) => d < 0).length,
        sign: signTest(avg),
        wilcoxon: wilcoxonSignedRank(avg),
      });
    }
  }
  return out;
}

const label = (m: string): string => (Object.hasOwn(METHODS, m) ? METHODS[m as MethodName].label : m);
const pValue = (p: number): string => (p >= 0.001 ? p.toFixed(3) : p.toExponential(1));
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;
/** The signed-rank p-value, marked where it comes from the normal approximation rather than the exact distribution. */
const signedRankP = (r: PairedComparison): string => `${pValue(r.wilcoxon.p)}${r.wilcoxon.method === 'normal' ? ' (normal)' : ''}`;

/** The comparison as fixed-width text, methods by their table labels: one line per method and baseline, with per-task mean differences. */
export function formatComparison(experiments: readonly ExperimentRecord[], rows: readonly PairedComparison[]): string {
  const seeds = experiments.map((e) => (e.dataSeed === undefined ? e.source : `data seed ${e.dataSeed}`));
  const tasks = experiments[0]?.tasks ?? [];
  const head = ['method', 'vs', 'pairs', 'mean diff', 'wins–losses', 'sign test p', 'signed-rank p', ...tasks];
  const body = rows.map((r) => [
    label(r.method), label(r.against), String(r.pairs), signed(r.meanDiff), `${r.wins}–${r.losses}`,
    pValue(r.sign.p), signedRankP(r),
    ...tasks.map((t) => signed(r.taskDiffs[t])),
  ]);
  const { line, rule } = columnFormatter([head, ...body], 2);
  return [
    `${experiments.length} experiment(s): ${seeds.join(', ')}. Runs paired by experiment and seed; differences of the per-run`,
    'average headline dev metric ×100 (and per task), method minus baseline; two-sided p-values.',
    '',
    line(head),
    rule,
    ...body.map(line),
  ].join('\n');
}

/** One line per comparison, for under a results table: `BAM vs Multi: +2.4, 4–1, sign test 0.375, signed-rank 0.125`. */
export function formatPairedBrief(rows: readonly PairedComparison[]): string[] {
  return rows.map((r) => `  ${label(r.method)} vs ${label(r.against)}: ${signed(r.meanDiff)}, ${r.wins}–${r.losses}, sign test ${pValue(r.sign.p)}, signed-rank ${signedRankP(r)}`);
}
