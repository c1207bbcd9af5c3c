/**
 * One pre-training step's parts, as pretrain() builds and takes it (Node:
 * the pre-trainer reads and writes files), for code that times or replays
 * a step outside the loop, such as the benchmark row pretrain/step-demo-recipe.
 */
export { DEFAULT_PRETRAIN_CONFIG, type PretrainConfig } from './config.js';
export { tokenizeDocuments, type TextDocument, type TokenizedDocuments } from './documents.js';
export { drawPretrainRows, makePretrainBatch, type BatchOptions, type PretrainBatch, type PretrainRows } from './batch.js';
export { PretrainingModel, type PretrainedBert } from './pretraining-model.js';
export { pretrainBatchOptions, pretrainedBertKind, pretrainingModel, pretrainOptimizer } from './setup.js';
export { PRETRAIN_STREAMS, epochOrder, heldOutCount, splitHeldOut, stepBatch, stepRows, stepsPerEpoch } from './stream.js';
export { lossAndStats, trainStep } from './step.js';
