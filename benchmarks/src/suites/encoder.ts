/**
 * Training-step rows on a small post-LN encoder (hidden 256, 4 heads, FFN
 * 1024, seq 128, batch 8): one layer forward + backward, four layers with an
 * Adam(W) update, and the first step on cold pipeline caches (compile cost).
 * Times are per step; the rate column is steps/s.
 */
import { ENCODER, oursEncoderStep } from '../models/encoder-ours.js';
import { tfjsEncoderStep } from '../tfjs/encoder.js';
import type { Tf } from '../tfjs/load.js';
import type { Workload } from '../types.js';

const SHAPE = `hidden ${ENCODER.hidden}, ${ENCODER.heads} heads, FFN ${ENCODER.ffn}, seq ${ENCODER.seq}, batch ${ENCODER.batch}`;
const ONE = { ...ENCODER, layers: 1 };
const FOUR = { ...ENCODER, layers: 4 };

/** The first-step row: listed first so it meets empty pipeline caches. */
export function compileWorkloads(): Workload[] {
  return [
    {
      id: 'compile/encoder-1-layer-first-step',
      group: 'compile',
      shape: `first fwd+bwd step, 1 layer, ${SHAPE}`,
      unit: 'steps/s',
      work: 1,
      quick: true,
      firstStep: true,
      maxReps: 1,
      ours: () => oursEncoderStep(ONE, false),
      tfjs: (tf: Tf) => tfjsEncoderStep(tf, ONE, false),
    },
  ];
}

export function encoderWorkloads(): Workload[] {
  return [
    {
      id: 'encoder/1-layer-fwd-bwd',
      group: 'encoder',
      shape: `1 layer fwd+bwd, ${SHAPE}`,
      unit: 'steps/s',
      work: 1,
      quick: true,
      maxReps: 1,
      ours: () => oursEncoderStep(ONE, false),
      tfjs: (tf: Tf) => tfjsEncoderStep(tf, ONE, false),
    },
    {
      id: 'encoder/4-layer-adamw-step',
      group: 'encoder',
      shape: `4 layers fwd+bwd+AdamW, ${SHAPE}`,
      unit: 'steps/s',
      work: 1,
      quick: false,
      maxReps: 1,
      note: 'TF.js: tf.train.adam (no AdamW in TF.js)',
      ours: () => oursEncoderStep(FOUR, true),
      tfjs: (tf: Tf) => tfjsEncoderStep(tf, FOUR, true),
    },
  ];
}
