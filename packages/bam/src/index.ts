/**
 * @bamgpu/bam — Born-Again Multi-Task networks (Clark et al., ACL 2019) on
 * WebGPU. Browser-safe parts; file IO and the CLI live in "./node".
 */
export type { Example } from './data/example.js';
export * from './glue/index.js';
export * from './synthetic/index.js';

// Teacher annealing and the distillation losses: plain arithmetic and core
// ops, no file IO, so a page can run BAM's fine-tuning objective too.
export { annealLambda, goldWeight, classificationTarget, regressionTarget, softmax64, type TargetMix } from './distill/targets.js';
export { softTargetLoss, squaredErrorLoss } from './distill/losses.js';
// Padding token rows into one [rows × length] layout: the trainer's batches and a page's arrays alike.
export { padFeatures, type PaddedRows } from './train/batch.js';
