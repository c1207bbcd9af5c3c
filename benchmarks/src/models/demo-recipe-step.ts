/**
 * One pre-training step of the demo's default recipe (DEMO_RECIPE), set up
 * and taken by @bamgpu/bam's own functions, the ones pretrain() calls: the
 * model and AdamW it builds, the batch it draws, its loss and step. So the
 * row times the pre-trainer's code, not a copy that could drift from it.
 * The batch is the first of data seed 0's run: the first documents of
 * epoch 0's order with step 0's partners, masks and token-match answers.
 */
import { Generator } from '@bamgpu/core';
import {
  DEMO_RECIPE, demoCorpus, demoData, demoPretraining, drawPretrainRows, epochOrder, pretrainBatchOptions, pretrainedBertKind,
  pretrainingModel, pretrainOptimizer, splitHeldOut, stepBatch, stepRows, tokenizeDocuments, trainStep, type BatchOptions, type TokenizedDocuments,
} from '@bamgpu/bam/node';
import type { Instance } from '../types.js';

export const DATA_SEED = 0;
const STEP = 0;

type DemoSettings = ReturnType<typeof demoPretraining>;

export interface DemoStepData {
  config: DemoSettings['config'];
  cfg: DemoSettings['pretrainConfig'];
  docs: TokenizedDocuments;
  order: number[];
  options: BatchOptions;
  /** The step's batch: padded length, and tokens with padding excluded (what the pre-trainer's tokens/s counts). */
  t: number;
  tokens: number;
}

let cached: DemoStepData | null = null;

/** The host side: suite, corpus, tokenized training documents, the step's rows. Seconds of work, so made once, on first use. */
export function demoStepData(): DemoStepData {
  if (cached) return cached;
  const { suite, tokenizer } = demoData(DEMO_RECIPE, DATA_SEED);
  const { config, pretrainConfig: cfg } = demoPretraining(DEMO_RECIPE, DATA_SEED, tokenizer.vocabSize);
  const docs = tokenizeDocuments(splitHeldOut(demoCorpus(DEMO_RECIPE, suite), cfg).train, tokenizer);
  const order = epochOrder(docs, 0, cfg);
  const options = pretrainBatchOptions(tokenizer, cfg);
  const { rows, rng } = stepRows(docs, order, STEP, cfg);
  const { t, tokens } = drawPretrainRows(docs, rows, rng, options);
  cached = { config, cfg, docs, order, options, t, tokens };
  return cached;
}

/** The step as the loop takes it between logs: recorded and submitted, nothing read back. */
export function demoRecipeStep(): Instance {
  const { cfg, docs, order, options } = demoStepData();
  const generator = new Generator(cfg.seed);
  const training = pretrainingModel(pretrainedBertKind(cfg).fromConfig(cfg.init.config, { generator }), cfg, generator);
  const optimizer = pretrainOptimizer(training, cfg);
  const batch = stepBatch(docs, order, STEP, cfg, options);
  training.train();
  // The peak learning rate: a step costs the same at any rate (step 0's scheduled rate is 0, and would leave the weights alone).
  const step = { tokenMatchWeight: cfg.tokenMatch ?? 0, lr: cfg.learningRate, keepStats: false };
  return {
    run: () => {
      trainStep(training, optimizer, batch, step);
    },
    dispose: () => {
      optimizer.dispose();
      training.dispose();
      batch.dispose();
    },
  };
}
