/**
 * Times one Instance with benchmark.js (its cycle calibration, sampling and
 * statistics) while keeping GPU work honest: every benchmark.js iteration
 * records `reps` runs and then waits until the GPU has finished them, so a
 * sample is the time the work took, not the time it took to enqueue it.
 * GPU timestamp time is taken in separate samples afterwards, since
 * timestamp queries change how the work is submitted (TF.js submits every
 * kernel alone while timing).
 */
import Benchmark from 'benchmark';
import type { Instance, SideResult } from './types.js';

/** How a library waits for and times its GPU work. */
export interface Lib {
  readonly name: 'ours' | 'tfjs';
  /** Submits everything recorded and resolves when the GPU finished it; `expectMs` is a hint for sleeping first. */
  sync(expectMs: number): Promise<void>;
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
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A run at least this long (ms) is sampled less: see measure(). */
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

/**
 * Times `inst` on `lib`. `work` is in the rate's unit (GFLOP, GB or steps)
 * per run, so rates come out as GFLOP/s, GB/s or steps/s.
 */
export async function measure(name: string, lib: Lib, inst: Instance, work: number, opts: HarnessOptions): Promise<SideResult> {
  const iterate = async (reps: number, expectMs: number): Promise<number> => {
    const t0 = performance.now();
    runReps(inst, reps);
    await lib.sync(expectMs);
    return performance.now() - t0;
  };
  let warmMs = Infinity;
  for (let i = 0; i < opts.warmup; i++) {
    warmMs = Math.min(warmMs, await iterate(1, 0));
    if (warmMs > SLOW_RUN_MS) break; // one run this long has compiled and settled everything
  }
  // The fastest single run, waited for without sleeping, estimates the GPU
  // time (three more runs unless runs take seconds). Only this estimate is
  // used as the sleep hint: a hint from the previous sample would feed each
  // sleep into the next sample, and an overestimate inflates every sample by
  // the oversleep — so the hint is also only half the estimate.
  const single = warmMs > SLOW_RUN_MS ? warmMs : Math.min(warmMs, await iterate(1, 0), await iterate(1, 0), await iterate(1, 0));
  const reps = Math.max(1, Math.min(opts.maxReps, Math.floor(opts.targetSampleMs / Math.max(single, 1e-3))));
  const expectMs = 0.5 * single * reps;
  if (reps > 1) await iterate(reps, expectMs);

  // Multi-second runs (BERT-base AdamW, big matmuls on a CPU adapter) get fewer samples:
  // their spread is small next to their length, and the suite has to finish.
  const slow = single > SLOW_RUN_MS;
  const sampling = slow ? { ...opts, minSamples: Math.min(opts.minSamples, 3), gpuSamples: Math.min(opts.gpuSamples, 1) } : opts;
  const stats = await benchmarkJs(name, () => iterate(reps, expectMs).then(() => undefined), sampling);
  const samplesMs = (stats.sample as number[]).map((s) => (s * 1000) / reps);

  const gpuSamplesMs: number[] = [];
  for (let i = 0; i < sampling.gpuSamples; i++) {
    const ms = await lib.timeGPU(() => runReps(inst, reps));
    if (ms === null) break;
    gpuSamplesMs.push(ms / reps);
  }
  const medianMs = median(samplesMs);
  const gpuMedianMs = gpuSamplesMs.length ? median(gpuSamplesMs) : null;
  return {
    repsPerSample: reps,
    samplesMs,
    medianMs,
    rmePercent: stats.rme,
    gpuSamplesMs,
    gpuMedianMs,
    rate: work / (medianMs / 1000),
    gpuRate: gpuMedianMs && gpuMedianMs > 0 ? work / (gpuMedianMs / 1000) : null,
  };
}
