import type { LrScheduleName } from '@bamgpu/core';
import type { BertConfig } from '@bamgpu/bert/node';
import type { TargetMix } from '../distill/targets.js';
import type { HeadInit } from '@bamgpu/bert/node';
import type { MixStrategy } from './mixer.js';

/** How one training run goes: what it learns from, how, and for how long. */
export interface TrainConfig {
  /** Model to start from: a random BERT of this shape, or a Hugging Face folder. */
  init: { config: BertConfig } | { pretrained: string };
  maxSeqLength: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  warmupProportion: number;
  /**
   * Decay after warm-up: `hf` (default; Hugging Face's (T−s)/(T−W)) or `bert`
   * (BERT's and the BAM reference's 1 − s/T, used by `bam run`).
   */
  schedule?: LrScheduleName;
  /** Layer-wise learning-rate decay per layer from the heads down (0 = off). */
  layerwiseDecay: number;
  /**
   * The layer count L in the layer-wise rates (decay^(L+2−depth)); default the
   * model's. `bam run` takes it from the model name, as the reference does.
   */
  layerwiseLayers?: number;
  /** Task heads' initial weights: BERT's N(0, initializer_range) (default) or Glorot-uniform (the reference's tf.layers.dense). */
  headInit?: HeadInit;
  weightDecay: number;
  maxGradNorm: number;
  /** BERT's optimiser has no bias correction (false), PyTorch's AdamW does. */
  biasCorrection: boolean;
  mix: {
    strategy: MixStrategy;
    alpha: number;
    datasetMultiples?: boolean;
    sizeTable?: Record<string, number>;
    /** reference strategy: padding shuffled in and a fresh order every epoch (bam run); default one order, padding last. */
    reshuffleEachEpoch?: boolean;
  };
  /** What the student is trained towards (gold, annealed, fixed mix, no-teacher control). */
  targets: TargetMix;
  /** Also train on swapped sentence pairs of symmetric tasks (the reference's double_unordered). */
  doubleUnordered: boolean;
  seed: number;
  /** Evaluate on dev every this many steps (0 = only at the end). */
  evalEvery: number;
  /** With evalEvery 0: evaluate this many times, evenly spaced, so every run draws a curve whatever its length (0 = only at the end). */
  evalCount: number;
  /** Batch size for evaluation and prediction. */
  evalBatchSize: number;
  /** Where checkpoints, the metrics log and outputs go (none: nothing written). */
  outputDir?: string;
  /** Save a checkpoint every this many steps (0 = only at the end). */
  checkpointEvery: number;
  /** Continue from the checkpoint in outputDir if there is one. */
  resume: boolean;
  /** Start afresh even though outputDir holds a checkpoint (without it, or resume, that is refused). */
  overwrite?: boolean;
  /**
   * Start fine-tuning although the pretrained folder lacks encoder weights
   * (they keep their random init). Without it that is refused; the pooler
   * and the task heads may always be missing.
   */
  allowMissingWeights?: boolean;
  /** Stop after this many steps (for tests of resumption; the schedule still uses the full length). */
  stopAfter?: number;
  /** Print progress to stderr. */
  progress: boolean;
  /** Label for progress lines. */
  label?: string;
}

export const DEFAULT_TRAIN_CONFIG: Omit<TrainConfig, 'init' | 'targets'> = {
  maxSeqLength: 128,
  batchSize: 32,
  epochs: 3,
  learningRate: 5e-5,
  warmupProportion: 0.1,
  layerwiseDecay: 0.9,
  weightDecay: 0.01,
  maxGradNorm: 1,
  biasCorrection: false,
  mix: { strategy: 'sample', alpha: 0.75 },
  doubleUnordered: true,
  seed: 0,
  evalEvery: 0,
  evalCount: 0,
  evalBatchSize: 64,
  checkpointEvery: 0,
  resume: false,
  progress: true,
};
