/**
 * Learning-rate multipliers as functions of the step (0-based), applied to
 * the optimiser's base rate.
 */

/** BERT's schedule: linear warm-up over the first `warmup` fraction of steps, then linear decay to 0. */
export function linearWarmupDecay(step: number, totalSteps: number, warmupFraction = 0.1): number {
  const warmup = Math.floor(totalSteps * warmupFraction);
  if (warmup > 0 && step < warmup) return step / warmup;
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmup));
}

/**
 * Layer-wise learning-rate decay: a parameter `depth` layers below the top
 * (heads = 0) gets decay^depth of the base rate.
 */
export function layerwiseMultiplier(depth: number, decay = 0.9): number {
  return decay ** depth;
}
