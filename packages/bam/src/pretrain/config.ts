import type { BertConfig } from '@bamgpu/bert/node';

/** How one masked-LM pre-training run goes. */
export interface PretrainConfig {
  /** A random BERT of this shape, or a Hugging Face folder to continue from. */
  init: { config: BertConfig } | { pretrained: string };
  maxSeqLength: number;
  batchSize: number;
  /** Optimiser steps in all (the schedule's length). */
  steps: number;
  /** Peak learning rate. */
  learningRate: number;
  /** Share of the steps spent warming up linearly from 0. */
  warmupProportion: number;
  weightDecay: number;
  maxGradNorm: number;
  /** Share of ordinary tokens to predict (BERT: 0.15). */
  maskRate: number;
  /**
   * Also BERT's next-sentence task on the two-segment documents (a
   * BertForPreTraining, which trains the pooler that fine-tuning reads);
   * off: masked LM alone (a BertForMaskedLM, no pooler).
   */
  nextSentence: boolean;
  /**
   * Batch documents of similar length together (Hugging Face's
   * `group_by_length`), so that less of each step is padding; absent or
   * false: batches are plain slices of the shuffled order. With the
   * next-sentence task, a batch of short one-segment documents then holds
   * no pair, so next-sentence steps come in runs rather than every step.
   */
  groupByLength?: boolean;
  /**
   * Weight of the token-match task (token-match.ts) in the summed loss: a
   * head on every unmasked token of a two-segment document says whether the
   * token occurs in the other segment. Absent or 0: no such task. The head
   * is trained only here; the saved model has the usual BERT layout.
   */
  tokenMatch?: number;
  /**
   * Adam's bias correction in the optimiser (PyTorch's AdamW, which Hugging
   * Face's Trainer uses); absent or false: BERT's AdamW, without it. Without
   * it early updates are larger: 3.2 times Adam's at the first step, 1.3
   * times at the thousandth (β₂ = 0.999).
   */
  biasCorrection?: boolean;
  seed: number;
  /** Documents held out from the end of the corpus for evaluation. */
  heldOut: number;
  /** Evaluate on the held-out documents every this many steps (0: only at the end). */
  evalEvery: number;
  evalBatchSize: number;
  /** Where checkpoints, metrics.jsonl and model/ go (none: nothing written). */
  outputDir?: string;
  /** Save a checkpoint every this many steps (0: only at the end). */
  checkpointEvery: number;
  resume: boolean;
  /** Start afresh over an existing checkpoint (otherwise one without `resume` is refused). */
  overwrite?: boolean;
  /** Stop after this many steps, leaving a checkpoint (the schedule keeps its full length). */
  stopAfter?: number;
  progress: boolean;
  label?: string;
}

export const DEFAULT_PRETRAIN_CONFIG: Omit<PretrainConfig, 'init' | 'steps'> = {
  maxSeqLength: 128,
  batchSize: 64,
  learningRate: 1e-3,
  warmupProportion: 0.1,
  weightDecay: 0.01,
  maxGradNorm: 1,
  maskRate: 0.15,
  nextSentence: false,
  seed: 0,
  heldOut: 500,
  evalEvery: 0,
  evalBatchSize: 128,
  checkpointEvery: 0,
  resume: false,
  progress: true,
};

/** Throws naming the setting when a value is out of range; run before any GPU work. */
export function validatePretrainConfig(c: PretrainConfig): void {
  const positiveInt = (key: string, v: number) => {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`pretrain: ${key} must be a positive integer, got ${v}`);
  };
  const nonNegInt = (key: string, v: number) => {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`pretrain: ${key} must be a non-negative integer, got ${v}`);
  };
  const inRange = (key: string, v: number, lo: number, hi: number, openLo = false) => {
    if (!Number.isFinite(v) || v > hi || v < lo || (openLo && v === lo)) throw new RangeError(`pretrain: ${key} must be in ${openLo ? '(' : '['}${lo}, ${hi}], got ${v}`);
  };
  positiveInt('steps', c.steps);
  positiveInt('batchSize', c.batchSize);
  positiveInt('evalBatchSize', c.evalBatchSize);
  positiveInt('maxSeqLength', c.maxSeqLength);
  inRange('learningRate', c.learningRate, 0, 1, true);
  inRange('warmupProportion', c.warmupProportion, 0, 1);
  inRange('weightDecay', c.weightDecay, 0, 1);
  inRange('maskRate', c.maskRate, 0, 1, true);
  if (!(c.maxGradNorm > 0)) throw new RangeError(`pretrain: maxGradNorm must be positive, got ${c.maxGradNorm}`);
  nonNegInt('heldOut', c.heldOut);
  nonNegInt('evalEvery', c.evalEvery);
  nonNegInt('checkpointEvery', c.checkpointEvery);
  nonNegInt('seed', c.seed);
  if (c.stopAfter !== undefined) positiveInt('stopAfter', c.stopAfter);
  if (c.tokenMatch !== undefined) inRange('tokenMatch', c.tokenMatch, 0, 100);
  if (c.groupByLength !== undefined && typeof c.groupByLength !== 'boolean') throw new TypeError(`pretrain: groupByLength must be true or false, got ${String(c.groupByLength)}`);
  if (c.biasCorrection !== undefined && typeof c.biasCorrection !== 'boolean') throw new TypeError(`pretrain: biasCorrection must be true or false, got ${String(c.biasCorrection)}`);
}
