/**
 * Learning-rate multipliers of the step (0-based) on the optimiser's base rate.
 * Both schedules warm up as step/W for W = ⌊T·f⌋ steps; then `hf` decays
 * (T−s)/(T−W) from 1, and `bert` 1 − s/T (dropping from ~1 to 1 − W/T at s = W).
 */

/** Names of the schedules: `hf` (bam train's default) and `bert` (the reference's, for bam run). */
export type LrScheduleName = 'hf' | 'bert';

export const LR_SCHEDULE_NAMES: readonly LrScheduleName[] = ['hf', 'bert'];

/** A schedule: multiplier of the base rate at `step` of `totalSteps`, with `warmupFraction` of them warming up. */
export type LrSchedule = (step: number, totalSteps: number, warmupFraction?: number) => number;

/** Hugging Face's schedule: linear warm-up over the first `warmup` fraction of steps, then linear decay from 1 to 0 over the rest. */
export function linearWarmupDecay(step: number, totalSteps: number, warmupFraction = 0.1): number {
  const warmup = Math.floor(totalSteps * warmupFraction);
  if (warmup > 0 && step < warmup) return step / warmup;
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmup));
}

/** BERT's schedule (optimization.create_optimizer): 1 − step/T over all T steps, replaced by step/W while step < W. */
export function bertWarmupDecay(step: number, totalSteps: number, warmupFraction = 0.1): number {
  const warmup = Math.floor(totalSteps * warmupFraction);
  if (warmup > 0 && step < warmup) return step / warmup;
  return Math.max(0, 1 - Math.min(step, totalSteps) / totalSteps);
}

/** The schedule of that name. */
export function lrSchedule(name: LrScheduleName): LrSchedule {
  return name === 'bert' ? bertWarmupDecay : linearWarmupDecay;
}

/** Layer-wise learning-rate decay: a parameter `depth` layers below the top (heads = 0) gets decay^depth of the base rate. */
export function layerwiseMultiplier(depth: number, decay = 0.9): number {
  return decay ** depth;
}
