/**
 * Times one Instance with benchmark.js (its cycle calibration, sampling and
 * statistics) while keeping GPU work honest: every benchmark.js iteration
 * records `reps` runs and then waits until the GPU has finished them, so a
 * sample is the time the work took, not the time it took to enqueue it.
 * GPU timestamp time is taken in separate samples afterwards, since
 * timestamp queries change how the work is submitted (TF.js submits every
 * kernel alone while timing). A row's sampling is split into rounds that
 * the suite gives the two libraries in turn (suite.ts, pairedRatio).
 */
import Benchmark from 'benchmark';
import type { Instance, SideResult } from './types.js';

/** How a library waits for and times its GPU work. */
export interface Lib {
  readonly name: 'ours' | 'tfjs';
  /**
   * Submits everything recorded and resolves when the GPU finished it.
   * `work` names the work when the same work is waited for again and again
   * (a row's samples), so the wait may learn how long it takes; null for a
   * one-off wait.
   */
  sync(work: string | null): Promise<void>;
  /** Summed GPU timestamp time of the work `fn` records, or null where the adapter has no timestamps. */
  timeGPU(fn: () => void): Promise<number | null>;
  /**
   * GPU errors reported since the last call (they arrive asynchronously), so
   * a row's teardown errors are pinned on that row and not the next one.
   */
  drainErrors(): string | null;
}

export interface HarnessOptions {
  /** Untimed runs first: pipeline compiles, pool warm-up. */
  warmup: number;
  /** benchmark.js minSamples. */
  minSamples: number;
  /** benchmark.js maxTime, seconds: sampling stops past it once minSamples are in. */
  maxTimeS: number;
  /** GPU-timestamp samples taken after the wall-clock ones. */
  gpuSamples: number;
  /** Runs per sample are chosen so one sample takes about this long (amortises submit + wait latency on fast GPUs). */
  targetSampleMs: number;
  maxReps: number;
  /**
   * How our side waits on CPU adapters: 'runtime' = Runtime.sync() alone, with
   * its own learned sleep (what training loops get). Absent in runs before it
   * existed, when the harness slept for ours as it does for TF.js.
   */
  oursWait?: 'runtime';
  /**
   * How TF.js waits on CPU adapters: 'settle' = as our runtime does (the same
   * SettleEstimator sleep and the same throttled dawn.node polls). Absent in
   * runs before it, when the harness slept 40% of TF.js's fastest unslept
   * run and then let dawn.node poll at full speed.
   */
  tfjsWait?: 'settle';
  /**
   * Rounds a row's sampling is split into, taken in turn by the two
   * libraries (see pairedRatio). Absent in runs before rounds existed: one
   * library sampled fully, then the other.
   */
  rounds?: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A run at least this long (ms) is sampled less: see sampleRound(). */
const SLOW_RUN_MS = 5000;

function runReps(inst: Instance, reps: number): void {
  for (let i = 0; i < reps; i++) inst.run();
}

/** Runs benchmark.js on an async iteration; resolves with its stats. */
function benchmarkJs(name: string, iteration: () => Promise<void>, opts: HarnessOptions): Promise<Benchmark.Stats> {
  return new Promise((resolve, reject) => {
    let failure: unknown = null;
    const bench: Benchmark = new Benchmark(name, {
      defer: true,
      // No setup/teardown: benchmark.js would then decompile fn and lose its closure.
      fn: (deferred: Benchmark.Deferred) => {
        iteration().then(
          () => deferred.resolve(),
          (e: unknown) => {
            failure = e;
            bench.abort();
            deferred.resolve();
          },
        );
      },
      initCount: 1,
      minSamples: opts.minSamples,
      maxTime: opts.maxTimeS,
      // Calibrated reps already make an iteration long enough to time; this keeps cycles at one iteration where possible.
      minTime: 0.02,
      delay: 0,
      async: true,
      onComplete: () => (failure ? reject(failure) : bench.error ? reject(bench.error) : resolve(bench.stats)),
      onAbort: () => reject(failure ?? new Error(`${name}: aborted`)),
    });
    bench.run({ async: true });
  });
}

/** What calibration learned about one Instance on one library. */
export interface Calibration {
  /** run() calls per sample. */
  reps: number;
  /** Names a sample's work for Lib.sync: the same name each sample. */
  work: string;
  /** One run takes seconds: sampled less. */
  slow: boolean;
}

/** One round's benchmark.js samples, per run. */
export interface RoundSamples {
  samplesMs: number[];
  rmePercent: number;
}

const iterate = async (lib: Lib, inst: Instance, reps: number, work: string | null): Promise<number> => {
  const t0 = performance.now();
  runReps(inst, reps);
  await lib.sync(work);
  return performance.now() - t0;
};

/** Runs per sample for a sample of about `targetMs`, given `n` runs took `ms` (at least 1, at most maxReps). */
export function repsFor(n: number, ms: number, opts: Pick<HarnessOptions, 'targetSampleMs' | 'maxReps'>): number {
  return Math.max(1, Math.min(opts.maxReps, Math.floor((n * opts.targetSampleMs) / Math.max(ms, 1e-3))));
}

/**
 * Warm-up runs (compiles, pool), then how many runs make one sample; `id`
 * names the row (part of the samples' work name).
 *
 * A single run's time includes the wait's fixed latency (submit, the wake-up
 * after the GPU finishes: about 1–2 ms on lavapipe), so N runs take far less
 * than N single runs where a run is short: sized from single runs alone, a
 * layer norm's samples came out at 2.5 ms instead of 25, with a third of each
 * call's time being that latency. So the first estimate is checked on a
 * batch of that many runs and grown once from the batch (never shrunk: N runs
 * can't take longer than N single runs unless the machine drifted) — the same
 * rule for both libraries.
 */
export async function calibrate(lib: Lib, inst: Instance, opts: HarnessOptions, id: string): Promise<Calibration> {
  let warmMs = Infinity;
  for (let i = 0; i < opts.warmup; i++) {
    warmMs = Math.min(warmMs, await iterate(lib, inst, 1, null));
    if (warmMs > SLOW_RUN_MS) break; // one run this long has compiled and settled everything
  }
  // The fastest single run estimates a run's time (three more runs unless runs take seconds).
  const single =
    warmMs > SLOW_RUN_MS ? warmMs : Math.min(warmMs, await iterate(lib, inst, 1, null), await iterate(lib, inst, 1, null), await iterate(lib, inst, 1, null));
  let reps = repsFor(1, single, opts);
  if (reps > 1) {
    const batchMs = Math.min(await iterate(lib, inst, reps, null), await iterate(lib, inst, reps, null));
    reps = Math.max(reps, repsFor(reps, batchMs, opts));
  }
  const work = `${id} ×${reps}`;
  if (reps > 1) await iterate(lib, inst, reps, work);
  return { reps, work, slow: single > SLOW_RUN_MS };
}

/** Warms a fresh instance of a calibrated workload: one run, then one sample's worth. */
export async function rewarm(lib: Lib, inst: Instance, cal: Calibration): Promise<void> {
  const single = await iterate(lib, inst, 1, null);
  if (cal.reps > 1 && single < SLOW_RUN_MS) await iterate(lib, inst, cal.reps, cal.work);
}

/** Rounds a row's sampling is split into (1 in runs before rounds existed). */
export const roundsOf = (opts: HarnessOptions): number => Math.max(1, opts.rounds ?? 1);

/**
 * One round of wall-clock samples: the row's sampling budget (minSamples,
 * maxTimeS) shared out over its rounds. Multi-second runs (BERT-base AdamW,
 * big matmuls on a CPU adapter) get fewer samples: their spread is small next
 * to their length, and the suite has to finish.
 */
export async function sampleRound(name: string, lib: Lib, inst: Instance, cal: Calibration, opts: HarnessOptions): Promise<RoundSamples> {
  const rounds = roundsOf(opts);
  const minSamples = cal.slow ? Math.min(opts.minSamples, 3) : opts.minSamples;
  // At least two samples a round: benchmark.js's margin of error needs two.
  const sampling = { ...opts, minSamples: Math.max(2, Math.ceil(minSamples / rounds)), maxTimeS: opts.maxTimeS / rounds };
  const stats = await benchmarkJs(name, () => iterate(lib, inst, cal.reps, cal.work).then(() => undefined), sampling);
  return { samplesMs: (stats.sample as number[]).map((s) => (s * 1000) / cal.reps), rmePercent: stats.rme };
}

/** GPU timestamp time per run, in samples of its own after the wall-clock ones (empty without timestamps). */
export async function sampleGPU(lib: Lib, inst: Instance, cal: Calibration, opts: HarnessOptions): Promise<number[]> {
  const out: number[] = [];
  const n = cal.slow ? Math.min(opts.gpuSamples, 1) : opts.gpuSamples;
  for (let i = 0; i < n; i++) {
    const ms = await lib.timeGPU(() => runReps(inst, cal.reps));
    if (ms === null) break;
    out.push(ms / cal.reps);
  }
  return out;
}

/** A side's result from its rounds; `work` is in the rate's unit per run (GFLOP, GB or steps). */
export function summarise(cal: Calibration, rounds: readonly RoundSamples[], gpuSamplesMs: number[], work: number): SideResult {
  const samplesMs = rounds.flatMap((r) => r.samplesMs);
  const medianMs = median(samplesMs);
  const gpuMedianMs = gpuSamplesMs.length ? median(gpuSamplesMs) : null;
  return {
    repsPerSample: cal.reps,
    samplesMs,
    medianMs,
    rmePercent: Math.max(...rounds.map((r) => r.rmePercent)),
    ...(rounds.length > 1 ? { roundMediansMs: rounds.map((r) => median(r.samplesMs)) } : {}),
    gpuSamplesMs,
    gpuMedianMs,
    rate: work / (medianMs / 1000),
    gpuRate: gpuMedianMs && gpuMedianMs > 0 ? work / (gpuMedianMs / 1000) : null,
  };
}

/**
 * ours/TF.js from rounds taken in turn (ours, TF.js, ours, TF.js, …): the
 * median over rounds of TF.js's round median over ours, with the lowest and
 * highest round. On a machine whose speed drifts by tens of percent within
 * minutes, each round's pair saw the same conditions, so this is steadier
 * than a ratio of two medians taken at different times; the spread says how
 * much the drift moved it.
 */
export function pairedRatio(oursRoundsMs: readonly number[], tfjsRoundsMs: readonly number[], other = 'TF.js'): { ratio: number; range: [number, number] } {
  if (oursRoundsMs.length !== tfjsRoundsMs.length || oursRoundsMs.length === 0) {
    throw new Error(`pairedRatio: ${oursRoundsMs.length} rounds of ours against ${tfjsRoundsMs.length} of ${other}`);
  }
  const ratios = oursRoundsMs.map((o, i) => tfjsRoundsMs[i] / o);
  return { ratio: median(ratios), range: [Math.min(...ratios), Math.max(...ratios)] };
}
