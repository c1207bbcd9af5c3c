/**
 * The shapes of the suite: a workload (one table row) is set up once per
 * library as an Instance whose run() records one unit of work; the harness
 * decides how many runs make a sample and waits for the GPU around them.
 */
import type { Tf } from './tfjs/load.js';

/** What the rate column is: work per second, where work is FLOPs, bytes or steps. */
export type RateUnit = 'GFLOP/s' | 'GB/s' | 'steps/s';

export type Group = 'compile' | 'matmul' | 'attention' | 'softmax' | 'layernorm' | 'adamw' | 'encoder' | 'pretrain';

/** One library's set-up workload. */
export interface Instance {
  /** Records one unit of work (one op call, one training step) without waiting for the GPU. */
  run(): void;
  /** Frees everything set-up made. */
  dispose(): void;
  /** Learned during set-up (e.g. an option the engine does not have yet); shown with the row. */
  note?: string;
}

export interface Workload {
  /** Unique and stable; `--only` matches it. */
  id: string;
  group: Group;
  /** The shape in words, e.g. "[1024×768]·[768×3072]". */
  shape: string;
  unit: RateUnit;
  /** FLOPs, bytes or steps in one run(): rate = work / time. */
  work: number;
  /** Part of `--quick` smoke runs. */
  quick: boolean;
  /** Upper bound on runs recorded per sample (training steps keep it at 1). */
  maxReps?: number;
  /**
   * Not a steady-state rate: the first run() on fresh pipeline caches against
   * the runs after it. Must run before anything compiles the same kernels.
   */
  firstStep?: boolean;
  /** Something the reader must know (a stand-in, a missing option). */
  note?: string;
  ours(): Instance;
  /** Absent where TF.js has no equivalent. */
  tfjs?(tf: Tf): Instance;
  /**
   * Another of our paths for the same work (the composed attention against
   * the fused one), sampled in the same rounds as `ours` so that the two
   * meet the same machine: a row a minute later can see it 15% slower.
   */
  versus?: { name: string; make(): Instance };
}

/** Timing of one library on one row. Times are per run(), in milliseconds. */
export interface SideResult {
  /** run() calls recorded between two GPU waits. */
  repsPerSample: number;
  /** benchmark.js samples (wall clock, GPU wait included), per run. */
  samplesMs: number[];
  medianMs: number;
  /** benchmark.js relative margin of error of the mean, in percent. */
  rmePercent: number;
  /** Median of each round's samples, in the order taken (absent with one round). */
  roundMediansMs?: number[];
  /** GPU timestamp-query time per run, from separate timed samples (empty: no timestamps). */
  gpuSamplesMs: number[];
  gpuMedianMs: number | null;
  /** work / medianMs. */
  rate: number;
  /** work / gpuMedianMs. */
  gpuRate: number | null;
}

export interface RowResult {
  id: string;
  group: Group;
  shape: string;
  unit: RateUnit;
  work: number;
  note?: string;
  ours: SideResult | null;
  tfjs: SideResult | null;
  /**
   * Above 1 we are faster. With rounds (ratioRange present): the median over
   * rounds of TF.js time / our time, each round's pair taken back to back
   * (harness.ts pairedRatio). Otherwise ours.rate / tfjs.rate.
   */
  ratio: number | null;
  /** Lowest and highest round's ratio. */
  ratioRange?: [number, number];
  /** The same ratio on GPU timestamp time. */
  gpuRatio: number | null;
  /** Why a side is missing (error text or "TF.js disabled"). */
  errors?: { ours?: string; tfjs?: string };
  /** `ours` against Workload.versus, paired by round. */
  versus?: VersusResult;
  /** Rows that are not rates (first-step compile) carry their own numbers. */
  extra?: Record<string, number | string | null>;
}

/** Our row's path against another of ours (Workload.versus), from the same rounds. */
export interface VersusResult {
  name: string;
  side: SideResult | null;
  /** Median over rounds of the other path's time over ours: above 1 ours is faster. */
  speedup: number | null;
  /** Lowest and highest round's speedup. */
  range?: [number, number];
  error?: string;
}
