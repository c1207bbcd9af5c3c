/**
 * Runs every selected workload on our engine and on TF.js in the same
 * process and on the same adapter, row by row, their sampling rounds taken
 * in turn, and pairs the results. A side that throws is recorded as an
 * error and the suite goes on.
 */
import { memory, type Runtime } from '@bamgpu/core';
import { measureFirstStep } from './first-step.js';
import { calibrate, pairedRatio, rewarm, roundsOf, sampleGPU, sampleRound, summarise, type Calibration, type HarnessOptions, type Lib, type RoundSamples } from './harness.js';
import { ourLib, tfjsLib } from './libs.js';
import { adamwWorkloads } from './suites/adamw.js';
import { attentionWorkloads } from './suites/attention.js';
import { compileWorkloads, encoderWorkloads } from './suites/encoder.js';
import { matmulWorkloads } from './suites/matmul.js';
import { pretrainWorkloads } from './suites/pretrain.js';
import { rowWorkloads } from './suites/rows.js';
import type { TfjsHandle } from './tfjs/load.js';
import type { Instance, RateUnit, RowResult, SideResult, VersusResult, Workload } from './types.js';

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
  return [...compileWorkloads(), ...matmulWorkloads(), ...attentionWorkloads(), ...rowWorkloads(), ...adamwWorkloads(quick), ...encoderWorkloads(), ...pretrainWorkloads()];
}

export function selectWorkloads(quick: boolean, only: RegExp | null): Workload[] {
  return allWorkloads(quick).filter((w) => (!quick || w.quick) && (!only || only.test(w.id)));
}

/** Work per run in the rate's unit: GFLOP, GB or steps. */
function scaledWork(unit: RateUnit, work: number): number {
  return unit === 'steps/s' ? work : work / 1e9;
}

const message = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));

class HangError extends Error {}

/** Rejects with a HangError if `p` has not settled after `seconds`. */
function deadline<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HangError(`${what} did not finish within ${seconds} s (GPU work never completed?)`)), seconds * 1000);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/**
 * One library's part of a row (or our other path's, Workload.versus): its
 * Instance and what its phases have measured. The first phase that throws
 * ends the side with that error; a phase past the deadline marks it hung
 * (nothing more can run on the device).
 */
class Side {
  inst: Instance | null = null;
  /** What set-up learned (Instance.note), kept past teardown. */
  note?: string;
  cal: Calibration | null = null;
  rounds: RoundSamples[] = [];
  result: SideResult | null = null;
  error?: string;
  hung = false;
  extra?: Record<string, number | null>;
  private started = false;

  constructor(
    readonly w: Workload,
    readonly lib: Lib,
    private readonly make: () => Instance,
    private readonly opts: SuiteOptions,
    /** The row's other sides: a hang in any stops this one. */
    private readonly others: () => readonly Side[],
    /** How logs and errors name this side. */
    readonly label: string = lib.name,
  ) {}

  /** Sets the workload up (again, each round); a throw here is the side's error. */
  start(): void {
    if (!this.started) this.opts.log(`  ${this.w.id}: ${this.label}…`);
    this.started = true;
    try {
      this.inst = this.make();
      this.note = this.inst.note;
    } catch (e) {
      this.error = message(e);
    }
  }

  /** Nothing has failed here, and nothing has hung on any side. */
  get live(): boolean {
    return this.error === undefined && !this.hung && !this.others().some((s) => s.hung);
  }

  /** Runs one phase under the side's deadline, unless this side has failed or any side has hung. */
  async phase(fn: (inst: Instance) => Promise<void>): Promise<void> {
    if (!this.live || !this.inst) return;
    try {
      await deadline(fn(this.inst), this.opts.sideTimeoutS, `${this.w.id} (${this.label})`);
    } catch (e) {
      this.hung = e instanceof HangError;
      this.error = message(e);
    }
  }

  /** Frees the workload and pins late GPU errors on this row. After a hang, waiting for the GPU would hang too. */
  async finish(): Promise<void> {
    if (this.hung) return;
    try {
      this.inst?.dispose();
      await this.lib.sync(null);
    } catch {
      // the error that matters was reported above
    }
    this.inst = null;
    const late = this.lib.drainErrors();
    if (late) this.opts.log(`  warning: ${this.w.id} (${this.label}) left a GPU error behind: ${late}`);
  }
}

/** First-step rows: cold pipeline caches, so one side after the other, never interleaved. */
async function firstStepSide(side: Side, steps: number, pipelines: () => { count: number; ms: number | null } | null): Promise<void> {
  side.start();
  await side.phase(async (inst) => {
    const f = await measureFirstStep(side.lib, inst, steps, pipelines);
    side.result = f.side;
    side.extra = { [`${side.lib.name}LaterStepMs`]: f.laterMedianMs, [`${side.lib.name}Pipelines`]: f.pipelines, [`${side.lib.name}PipelineMs`]: f.pipelineMs };
  });
  await side.finish();
}

/**
 * Steady-state rows: sampling rounds in turn (ours, TF.js[, our other path], ours, …), so each
 * round's pair meets the same machine. Each round sets its library's
 * workload up and tears it down, so only one library's tensors are alive
 * while it is timed: with both alive, our BERT-base AdamW ran at half speed
 * on lavapipe (1.15 s a step against 0.51 s alone). The first round
 * calibrates; later ones warm their fresh instance first. GPU-timestamp
 * samples come at the end of the last round.
 */
async function interleaved(sides: Side[], opts: SuiteOptions): Promise<void> {
  const harness = { ...opts.harness, maxReps: Math.min(opts.harness.maxReps, sides[0].w.maxReps ?? Infinity) };
  const rounds = roundsOf(harness);
  for (let r = 0; r < rounds; r++) {
    for (const s of sides) {
      if (!s.live) continue;
      s.start();
      await s.phase(async (inst) => {
        if (s.cal) await rewarm(s.lib, inst, s.cal);
        else s.cal = await calibrate(s.lib, inst, harness, `${s.w.id} ${s.label}`);
        s.rounds.push(await sampleRound(`${s.w.id} ${s.label}`, s.lib, inst, s.cal, harness));
        if (r < rounds - 1) return;
        s.result = summarise(s.cal, s.rounds, await sampleGPU(s.lib, inst, s.cal, harness), scaledWork(s.w.unit, s.w.work));
      });
      await s.finish();
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
    const tfjsBefore = tfjs?.numTensors() ?? 0;
    let t: Side | null = null;
    let v: Side | null = null;
    // Our other path right after ours, so that pair is the closest in time.
    const sides = () => [o, v, t].filter((s): s is Side => s !== null);
    const o: Side = new Side(w, ours, w.ours, opts, sides);
    if (tfjs && theirs && w.tfjs) {
      const make = w.tfjs;
      t = new Side(w, theirs, () => make(tfjs.tf), opts, sides);
    }
    // Not for first-step rows: their cold caches would be warmed by the other path.
    if (w.versus && !w.firstStep) v = new Side(w, ours, w.versus.make, opts, sides, `ours (${w.versus.name})`);
    if (w.firstStep) {
      const steps = opts.quick ? 2 : 4;
      await firstStepSide(o, steps, () => rt.pipelineStats());
      if (t && !o.hung) {
        await firstStepSide(t, steps, () => {
          const n = tfjs!.pipelineCount();
          return n === null ? null : { count: n, ms: null };
        });
      }
    } else {
      await interleaved(sides(), opts);
    }
    const liveAfter = memory().liveTensors;
    if (liveAfter !== liveBefore) opts.log(`  warning: ${w.id} left ${liveAfter - liveBefore} of our tensors alive`);
    if (tfjs && tfjs.numTensors() !== tfjsBefore) opts.log(`  warning: ${w.id} left ${tfjs.numTensors() - tfjsBefore} TF.js tensors alive`);
    const notes = [w.note, o.note].filter((n): n is string => !!n);
    const paired = o.result?.roundMediansMs && t?.result?.roundMediansMs ? pairedRatio(o.result.roundMediansMs, t.result.roundMediansMs) : null;
    const ratio = paired ? paired.ratio : o.result && t?.result ? o.result.rate / t.result.rate : null;
    const gpuRatio = o.result?.gpuRate && t?.result?.gpuRate ? o.result.gpuRate / t.result.gpuRate : null;
    const row: RowResult = {
      id: w.id,
      group: w.group,
      shape: w.shape,
      unit: w.unit,
      work: w.work,
      ...(notes.length ? { note: notes.join('; ') } : {}),
      ours: o.result,
      tfjs: t?.result ?? null,
      ratio,
      ...(paired ? { ratioRange: paired.range } : {}),
      gpuRatio,
      ...(v && w.versus ? { versus: versusResult(w.versus.name, o, v) } : {}),
    };
    // A row without a TF.js side (no equivalent, --no-tfjs) is not an error: the report shows a dash.
    // A TF.js side with neither result nor error was skipped: ours hung the GPU.
    const tErr = t && !t.result ? (t.error ?? 'not run: ours hung the GPU') : undefined;
    if (o.error || tErr) row.errors = { ...(o.error ? { ours: o.error } : {}), ...(tErr ? { tfjs: tErr } : {}) };
    if (o.extra || t?.extra) row.extra = { ...o.extra, ...t?.extra };
    rows.push(row);
    opts.log(summaryLine(row));
    if (sides().some((s) => s.hung)) {
      opts.log(`stopping: ${w.id} hung the GPU; ${selected.length - i - 1} rows not run`);
      for (const rest of selected.slice(i + 1)) rows.push(skippedRow(rest, `not run: ${w.id} hung the GPU before it`));
      break;
    }
  }
  return rows;
}

/** Our row's path against our other one, paired by round as the TF.js ratio is. */
function versusResult(name: string, o: Side, v: Side): VersusResult {
  const base: VersusResult = { name, side: v.result, speedup: null, ...(v.error ? { error: v.error } : {}) };
  const ro = o.result?.roundMediansMs;
  const rv = v.result?.roundMediansMs;
  if (ro && rv) {
    const p = pairedRatio(ro, rv, name);
    return { ...base, speedup: p.ratio, range: p.range };
  }
  return o.result && v.result ? { ...base, speedup: v.result.medianMs / o.result.medianMs } : base;
}

function skippedRow(w: Workload, why: string): RowResult {
  return { id: w.id, group: w.group, shape: w.shape, unit: w.unit, work: w.work, ours: null, tfjs: null, ratio: null, gpuRatio: null, errors: { ours: why, tfjs: why } };
}

function summaryLine(r: RowResult): string {
  const side = (s: SideResult | null, err?: string) => (s ? `${s.medianMs.toPrecision(3)} ms (${s.rate.toPrecision(3)} ${r.unit})` : err ? `error: ${err}` : '—');
  const ratio = r.ratio === null ? '' : `  ours/TF.js ${r.ratio.toFixed(2)}×`;
  const vs = r.versus ? `  ${r.versus.name} ${side(r.versus.side, r.versus.error)}${r.versus.speedup === null ? '' : ` (${r.versus.speedup.toFixed(2)}× its time)`}` : '';
  return `${r.id.padEnd(40)} ours ${side(r.ours, r.errors?.ours)}  TF.js ${side(r.tfjs, r.errors?.tfjs)}${ratio}${vs}`;
}
