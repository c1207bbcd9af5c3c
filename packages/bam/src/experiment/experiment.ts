import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { headline, type TaskScores } from '../train/evaluate.js';
import type { LogEvent } from '../train/trainer.js';
import type { TrainTask } from '../train/task.js';
import { METHODS, type MethodName } from './methods.js';
import { planExperiment, type PlanInputs, type UnitPlan } from './plan.js';
import { runUnit, unitFolder, type UnitRecord } from './run-units.js';
import { trainUnit } from './train-unit.js';
import { mannWhitneyU, mean, std } from './stats.js';
import { comparePaired, experimentRecord, formatPairedBrief } from './compare.js';
import { columnFormatter } from './text-table.js';
import { lineChart, type Series } from './svg.js';

export interface ExperimentOptions extends PlanInputs {
  /** Rows printed under the methods in table.md and kept in results.json (e.g. chance and ceiling). */
  references?: ReferenceRows;
  /** How the results were made (the command, the recipe), kept in results.json. */
  provenance?: Record<string, unknown>;
  /** Where results.json, table.md and the SVG plots go. */
  outDir?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** With outDir: train each run in its own folder <outDir>/runs/<run> with checkpoints, so the experiment can resume (see run-units.ts). */
  resumable?: boolean;
  /** Resumable: reuse finished runs and resume the unfinished one. */
  resume?: boolean;
  /** Resumable: run everything again, replacing <outDir>/runs. */
  overwrite?: boolean;
}

export interface RunRecord {
  method: MethodName;
  seed: number;
  /** Dev scores by task. */
  dev: Record<string, TaskScores>;
  /** Training logs (one per task for Single). */
  histories: Record<string, LogEvent[]>;
  seconds: number;
}

export interface TableRow {
  method: MethodName;
  label: string;
  /** Headline metric ×100 per task: mean and std over seeds. */
  tasks: Record<string, { mean: number; std: number; values: number[] }>;
  average: { mean: number; std: number; values: number[] };
  /** Two-sided Mann–Whitney U p-values of the per-seed averages (and per task). */
  pVsSingle?: Record<string, number>;
  pVsMulti?: Record<string, number>;
}

export interface ExperimentResult {
  runs: RunRecord[];
  table: TableRow[];
  taskNames: string[];
  metricOf: Record<string, string>;
}

/**
 * Runs each method for each seed and compares them. Teachers are the seed's
 * Single models: their predictions on their own training sets (dropout off)
 * feed the distilling methods of that seed.
 */
export async function runExperiment(o: ExperimentOptions): Promise<ExperimentResult> {
  const log = o.log ?? (() => {});
  const store = o.outDir && o.resumable ? { root: o.outDir, resume: Boolean(o.resume), overwrite: o.overwrite } : null;
  const units = planExperiment(o);
  const records = new Map<string, UnitRecord>();
  for (const unit of units) {
    log(`seed ${unit.seed}: ${unit.method === 'single' ? `Single ${unit.tasks[0]}` : METHODS[unit.method].label}`);
    const record = await runUnit(store, unit, (place) => trainUnit(unit, o.tasks, o.tokenizer, records, place));
    if (record.reused && store) log(`  finished before: taken from ${unitFolder(store.root, unit)}`);
    records.set(unit.name, record);
  }
  return finishExperiment(o, units, records);
}

/**
 * The comparison from the units' records, however they were trained (here
 * or by queue workers): the Single rows gather a seed's teachers; written
 * to outDir as results.json, table.md and the plots.
 */
export async function finishExperiment(o: ExperimentOptions, units: readonly UnitPlan[], records: ReadonlyMap<string, UnitRecord>): Promise<ExperimentResult> {
  const runs: RunRecord[] = [];
  const get = (name: string) => {
    const r = records.get(name);
    if (!r) throw new Error(`experiment: no record of unit ${name}`);
    return r;
  };
  for (const seed of o.seeds) {
    const mine = units.filter((u) => u.seed === seed);
    if (o.methods.includes('single')) {
      const dev: Record<string, TaskScores> = {};
      const histories: Record<string, LogEvent[]> = {};
      let seconds = 0;
      for (const u of mine.filter((x) => x.method === 'single')) {
        const r = get(u.name);
        dev[u.tasks[0]] = r.dev[u.tasks[0]];
        histories[u.tasks[0]] = r.history;
        seconds += r.seconds;
      }
      runs.push({ method: 'single', seed, dev, histories, seconds });
    }
    for (const u of mine.filter((x) => x.method !== 'single')) {
      const r = get(u.name);
      runs.push({ method: u.method, seed, dev: r.dev, histories: { all: r.history }, seconds: r.seconds });
    }
  }
  const result = summariseRuns(o.tasks, o.methods, runs);
  if (o.outDir) await writeOutputs(o.outDir, o, result);
  return result;
}

/** The table of an experiment's runs: each method's mean and std per task, and its Mann–Whitney p-values against Single and Multi. */
export function summariseRuns(taskList: readonly Pick<TrainTask, 'name' | 'metrics'>[], methods: readonly MethodName[], runs: RunRecord[]): ExperimentResult {
  const taskNames = taskList.map((t) => t.name);
  const metricOf = Object.fromEntries(taskList.map((t) => [t.name, t.metrics[0]]));
  const table: TableRow[] = methods.map((m) => {
    const mine = runs.filter((r) => r.method === m);
    const tasks: TableRow['tasks'] = {};
    for (const t of taskList) {
      const values = mine.map((r) => 100 * headline(t, r.dev[t.name] ?? {}));
      tasks[t.name] = { mean: mean(values), std: std(values), values };
    }
    const avgValues = mine.map((r) => mean(taskList.map((t) => 100 * headline(t, r.dev[t.name] ?? {}))));
    return { method: m, label: METHODS[m].label, tasks, average: { mean: mean(avgValues), std: std(avgValues), values: avgValues } };
  });
  const against = (ref: MethodName) => table.find((r) => r.method === ref);
  for (const row of table) {
    for (const [ref, key] of [['single', 'pVsSingle'], ['multi', 'pVsMulti']] as const) {
      const base = against(ref);
      if (!base || base === row) continue;
      const p: Record<string, number> = { average: mannWhitneyU(row.average.values, base.average.values).p };
      for (const t of taskNames) p[t] = mannWhitneyU(row.tasks[t].values, base.tasks[t].values).p;
      row[key] = p;
    }
  }
  return { runs, table, taskNames, metricOf };
}

/** Reference rows printed under the methods (×1, fractions): e.g. each task's chance level and ceiling. */
export type ReferenceRows = readonly { label: string; values: Readonly<Record<string, number>> }[];

/**
 * The comparison as a fixed-width text table (headline metric ×100, mean ±
 * std over seeds), with reference rows (chance, ceiling) below the methods.
 */
export function formatTable(result: ExperimentResult, references: ReferenceRows = []): string {
  const cols = [...result.taskNames, 'avg'];
  const head = ['method', ...cols.map((c) => (c === 'avg' ? 'avg' : `${c} (${result.metricOf[c]})`))];
  const cell = (x: { mean: number; std: number; values: number[] }) =>
    Number.isFinite(x.mean) ? (x.values.length > 1 ? `${x.mean.toFixed(1)} ± ${x.std.toFixed(1)}` : x.mean.toFixed(1)) : '–';
  const refCell = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : (100 * v).toFixed(1));
  const refAvg = (values: Readonly<Record<string, number>>) => result.taskNames.reduce((s, t) => s + (values[t] ?? NaN), 0) / result.taskNames.length;
  const rows = [
    ...result.table.map((r) => [r.label, ...result.taskNames.map((t) => cell(r.tasks[t])), cell(r.average)]),
    ...references.map((r) => [r.label, ...result.taskNames.map((t) => refCell(r.values[t])), refCell(refAvg(r.values))]),
  ];
  const { line, rule } = columnFormatter([head, ...rows], 1);
  const methodRows = rows.slice(0, result.table.length).map(line);
  const refRows = rows.slice(result.table.length).map(line);
  const out = [line(head), rule, ...methodRows, ...(refRows.length ? [rule, ...refRows] : [])];
  const withP = result.table.filter((r) => r.pVsSingle || r.pVsMulti);
  if (withP.length && result.table[0].average.values.length > 1) {
    out.push('', 'Mann–Whitney U p-values of the per-seed averages (two-sided):');
    for (const r of withP) {
      const parts = [];
      if (r.pVsSingle) parts.push(`vs Single ${r.pVsSingle.average.toFixed(3)}`);
      if (r.pVsMulti) parts.push(`vs Multi ${r.pVsMulti.average.toFixed(3)}`);
      out.push(`  ${r.label}: ${parts.join(', ')}`);
    }
    out.push(...pairedLines(result));
  }
  return out.join('\n');
}

/**
 * The same comparisons paired by seed: a seed's distilling runs learn from
 * that seed's teachers, so its runs are pairs, and the paired tests (sign,
 * Wilcoxon signed-rank) use that where Mann–Whitney, the paper's test, does not.
 */
function pairedLines(result: ExperimentResult): string[] {
  const rows = comparePaired([experimentRecord(result, 'this experiment')], ['single', 'multi']);
  return rows.length === 0 ? [] : ['', 'Paired by seed (method − baseline, per-seed average, wins–losses; two-sided p-values):', ...formatPairedBrief(rows)];
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

async function writeOutputs(dir: string, o: ExperimentOptions, result: ExperimentResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, 'results.json'), JSON.stringify({ ...o.provenance, methods: o.methods, seeds: o.seeds, tasks: result.taskNames, metricOf: result.metricOf, references: o.references ?? [], table: result.table, runs: result.runs }, null, 1));
  await writeAtomic(join(dir, 'table.md'), `\`\`\`\n${formatTable(result, o.references)}\n\`\`\`\n`);
  // Curves of the first seed: λ, training loss, and each task's dev metric.
  const seed = o.seeds[0];
  const multiRuns = result.runs.filter((r) => r.seed === seed && r.method !== 'single');
  const steps = (h: LogEvent[]) => h.filter((e): e is Extract<LogEvent, { type: 'step' }> => e.type === 'step');
  const lambda: Series[] = multiRuns.map((r) => ({ name: METHODS[r.method].label, points: steps(r.histories.all).map((e) => [e.step, e.lambda] as [number, number]) }));
  await writeAtomic(join(dir, 'lambda.svg'), lineChart('λ (weight on the gold label)', 'step', 'λ', lambda));
  const loss: Series[] = multiRuns.map((r) => ({ name: METHODS[r.method].label, points: steps(r.histories.all).map((e) => [e.step, e.loss] as [number, number]) }));
  await writeAtomic(join(dir, 'loss.svg'), lineChart('training loss (summed over the batch)', 'step', 'loss', loss));
  for (const t of o.tasks) {
    const series: Series[] = result.runs
      .filter((r) => r.seed === seed)
      .map((r) => {
        const h = r.method === 'single' ? r.histories[t.name] : r.histories.all;
        const evals = (h ?? []).filter((e): e is Extract<LogEvent, { type: 'eval' }> => e.type === 'eval');
        return { name: METHODS[r.method].label, points: evals.map((e) => [e.step, 100 * headline(t, e.dev[t.name] ?? {})] as [number, number]) };
      });
    await writeAtomic(join(dir, `dev-${t.name}.svg`), lineChart(`${t.name}: dev ${t.metrics[0]} during training`, 'step', `${t.metrics[0]} ×100`, series));
  }
}
