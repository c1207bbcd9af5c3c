export { AdamW, type AdamWOptions, type AdamWState } from './adamw.js';
export { LR_SCHEDULE_NAMES, bertWarmupDecay, layerwiseMultiplier, linearWarmupDecay, lrSchedule, type LrSchedule, type LrScheduleName } from './schedule.js';
export { clipGradNorm } from './clip.js';
