/**
 * Learning-rate multipliers as functions of the step (0-based), applied to
 * the optimiser's base rate.
 *
 * Two schedules share the warm-up (step/W for the first W = ⌊T·f⌋ steps) and
 * differ after it:
 * - `hf` (Hugging Face's get_linear_schedule_with_warmup): (T−s)/(T−W), so
 *   the rate starts its decay at 1 right after warm-up.
 * - `bert` (BERT's optimization.py, which the BAM reference uses): a linear
 *   decay over all T steps, 1 − s/T, that warm-up overrides for s < W; at
 *   s = W the rate drops from ~1 to 1 − W/T.
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

/**
 * BERT's schedule (optimization.create_optimizer): polynomial decay of power
 * 1 from 1 to 0 over all `totalSteps`, replaced by step/W while step < W.
 */
export function bertWarmupDecay(step: number, totalSteps: number, warmupFraction = 0.1): number {
  const warmup = Math.floor(totalSteps * warmupFraction);
  if (warmup > 0 && step < warmup) return step / warmup;
  return Math.max(0, 1 - Math.min(step, totalSteps) / totalSteps);
}

/** The schedule of that name. */
export function lrSchedule(name: LrScheduleName): LrSchedule {
  return name === 'bert' ? bertWarmupDecay : linearWarmupDecay;
}

/**
 * Layer-wise learning-rate decay: a parameter `depth` layers below the top
 * (heads = 0) gets decay^depth of the base rate.
 */
export function layerwiseMultiplier(depth: number, decay = 0.9): number {
  return decay ** depth;
}
