/**
 * Runs every selected workload on our engine and on TF.js, one after the
 * other in the same process and on the same adapter, and pairs the results.
 * A side that throws is recorded as an error and the suite goes on.
 */
import { memory, type Runtime } from '@bamgpu/core';
import { measureFirstStep } from './first-step.js';
import { measure, type HarnessOptions, type Lib } from './harness.js';
import { ourLib, tfjsLib } from './libs.js';
import { adamwWorkloads } from './suites/adamw.js';
import { attentionWorkloads } from './suites/attention.js';
import { compileWorkloads, encoderWorkloads } from './suites/encoder.js';
import { matmulWorkloads } from './suites/matmul.js';
import { rowWorkloads } from './suites/rows.js';
import type { TfjsHandle } from './tfjs/load.js';
import type { Instance, RateUnit, RowResult, SideResult, Workload } from './types.js';

export interface SuiteOptions {
  quick: boolean;
  only: RegExp | null;
  harness: HarnessOptions;
  /**
   * Longest one library may take on one row. Past it the GPU work is taken
   * to be hung (a stuck shader never completes, and on lavapipe keeps a core
   * busy), so the suite stops and reports what it has.
   */
  sideTimeoutS: number;
  log: (line: string) => void;
}

/** Every row, in run order: the first-step row must meet cold caches. */
export function allWorkloads(quick: boolean): Workload[] {
  return [...compileWorkloads(), ...matmulWorkloads(), ...attentionWorkloads(), ...rowWorkloads(), ...adamwWorkloads(quick), ...encoderWorkloads()];
}

export function selectWorkloads(quick: boolean, only: RegExp | null): Workload[] {
  return allWorkloads(quick).filter((w) => (!quick || w.quick) && (!only || only.test(w.id)));
}

/** Work per run in the rate's unit: GFLOP, GB or steps. */
function scaledWork(unit: RateUnit, work: number): number {
  return unit === 'steps/s' ? work : work / 1e9;
}

const message = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));

interface SideOutcome {
  result: SideResult | null;
  error?: string;
  /** The GPU never finished: nothing more can run on this device. */
  hung?: boolean;
  note?: string;
  extra?: Record<string, number | null>;
}

class HangError extends Error {}

/** Rejects with a HangError if `p` has not settled after `seconds`. */
function deadline<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HangError(`${what} did not finish within ${seconds} s (GPU work never completed?)`)), seconds * 1000);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

async function runSide(w: Workload, lib: Lib, make: () => Instance, opts: SuiteOptions, pipelines: () => { count: number; ms: number | null } | null): Promise<SideOutcome> {
  let inst: Instance | null = null;
  let hung = false;
  opts.log(`  ${w.id}: ${lib.name}…`);
  try {
    inst = make();
    const created = inst;
    if (w.firstStep) {
      const f = await deadline(measureFirstStep(lib, created, opts.quick ? 2 : 4, pipelines), opts.sideTimeoutS, `${w.id} (${lib.name})`);
      return {
        result: f.side,
        note: inst.note,
        extra: { [`${lib.name}LaterStepMs`]: f.laterMedianMs, [`${lib.name}Pipelines`]: f.pipelines, [`${lib.name}PipelineMs`]: f.pipelineMs },
      };
    }
    const harness = { ...opts.harness, maxReps: Math.min(opts.harness.maxReps, w.maxReps ?? Infinity) };
    const result = await deadline(measure(`${w.id} ${lib.name}`, lib, created, scaledWork(w.unit, w.work), harness), opts.sideTimeoutS, `${w.id} (${lib.name})`);
    return { result, note: inst.note };
  } catch (e) {
    hung = e instanceof HangError;
    return { result: null, error: message(e), hung };
  } finally {
    // After a hang, waiting for the GPU would hang too.
    if (!hung) {
      try {
        inst?.dispose();
        await lib.sync(0);
      } catch {
        // the error that matters was reported above
      }
      const late = lib.drainErrors();
      if (late) opts.log(`  warning: ${w.id} (${lib.name}) left a GPU error behind: ${late}`);
    }
  }
}

export async function runSuite(rt: Runtime, tfjs: TfjsHandle | null, opts: SuiteOptions): Promise<RowResult[]> {
  const ours = ourLib(rt);
  const theirs = tfjs ? tfjsLib(tfjs, rt.adapter.isCPU) : null;
  const rows: RowResult[] = [];
  const selected = selectWorkloads(opts.quick, opts.only);
  for (const [i, w] of selected.entries()) {
    const liveBefore = memory().liveTensors;
    const o = await runSide(w, ours, w.ours, opts, () => rt.pipelineStats());
    const liveAfter = memory().liveTensors;
    if (liveAfter !== liveBefore) opts.log(`  warning: ${w.id} left ${liveAfter - liveBefore} of our tensors alive`);
    let t: SideOutcome = { result: null, error: tfjs ? 'TF.js has no equivalent' : 'TF.js disabled (--no-tfjs)' };
    if (tfjs && theirs && w.tfjs && !o.hung) {
      const make = w.tfjs;
      const before = tfjs.numTensors();
      t = await runSide(w, theirs, () => make(tfjs.tf), opts, () => {
        const n = tfjs.pipelineCount();
        return n === null ? null : { count: n, ms: null };
      });
      if (tfjs.numTensors() !== before) opts.log(`  warning: ${w.id} left ${tfjs.numTensors() - before} TF.js tensors alive`);
    }
    const notes = [w.note, o.note].filter((n): n is string => !!n);
    const ratio = o.result && t.result ? o.result.rate / t.result.rate : null;
    const gpuRatio = o.result?.gpuRate && t.result?.gpuRate ? o.result.gpuRate / t.result.gpuRate : null;
    const row: RowResult = {
      id: w.id,
      group: w.group,
      shape: w.shape,
      unit: w.unit,
      work: w.work,
      ...(notes.length ? { note: notes.join('; ') } : {}),
      ours: o.result,
      tfjs: t.result,
      ratio,
      gpuRatio,
    };
    if (o.error || (t.error && tfjs && w.tfjs)) row.errors = { ...(o.error ? { ours: o.error } : {}), ...(t.error ? { tfjs: t.error } : {}) };
    if (o.extra || t.extra) row.extra = { ...o.extra, ...t.extra };
    rows.push(row);
    opts.log(summaryLine(row));
    if (o.hung || t.hung) {
      opts.log(`stopping: ${w.id} hung the GPU; ${selected.length - i - 1} rows not run`);
      for (const rest of selected.slice(i + 1)) rows.push(skippedRow(rest, `not run: ${w.id} hung the GPU before it`));
      break;
    }
  }
  return rows;
}

function skippedRow(w: Workload, why: string): RowResult {
  return { id: w.id, group: w.group, shape: w.shape, unit: w.unit, work: w.work, ours: null, tfjs: null, ratio: null, gpuRatio: null, errors: { ours: why, tfjs: why } };
}

function summaryLine(r: RowResult): string {
  const side = (s: SideResult | null, err?: string) => (s ? `${s.medianMs.toPrecision(3)} ms (${s.rate.toPrecision(3)} ${r.unit})` : err ? `error: ${err}` : '—');
  const ratio = r.ratio === null ? '' : `  ours/TF.js ${r.ratio.toFixed(2)}×`;
  return `${r.id.padEnd(40)} ours ${side(r.ours, r.errors?.ours)}  TF.js ${side(r.tfjs, r.errors?.tfjs)}${ratio}`;
}
