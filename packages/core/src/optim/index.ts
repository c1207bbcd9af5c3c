export { AdamW, BERT_NO_DECAY, type AdamWOptions, type AdamWState } from './adamw.js';
export { linearWarmupDecay, layerwiseMultiplier } from './schedule.js';
export { clipGradNorm } from './clip.js';
