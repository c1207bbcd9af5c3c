import { add, argmax, cast, crossEntropy, eq, mul, noGrad, scope, stack, sum, type AdamW, type Tensor } from '@bamgpu/core';
import type { PreTrainingOutput } from '@bamgpu/bert/node';
import type { PretrainBatch } from './batch.js';
import type { PretrainingModel } from './pretraining-model.js';

/** The indices of lossAndStats' figures: each task's mean loss and its count of right answers. */
export const STAT = { mlm: 0, mlmRight: 1, nsp: 2, nspRight: 3, match: 4, matchRight: 5 } as const;

/**
 * The summed loss (masked LM, plus next sentence, plus the token-match
 * loss times its weight), and the figures STAT names for the logs; a task
 * the run lacks, or the batch does not score, reads 0.
 */
export function lossAndStats(training: PretrainingModel, batch: PretrainBatch, tokenMatchWeight: number): { loss: Tensor; stats: Tensor } {
  const out = training.model.forward(batch.inputs, { positions: batch.positions });
  const rightOf = (logits: Tensor, labels: Tensor) => noGrad(() => sum(cast(eq(argmax(logits, -1), labels), 'float32')));
  const mlm = crossEntropy(out.logits, batch.labels);
  const zero = noGrad(() => mul(mlm, 0));
  const figures: Tensor[] = [mlm, rightOf(out.logits, batch.labels), zero, zero, zero, zero];
  let loss = mlm;
  const nspLogits = (out as Partial<PreTrainingOutput>).seqRelationshipLogits;
  if (nspLogits && batch.nextSentenceLabels) {
    const nsp = crossEntropy(nspLogits, batch.nextSentenceLabels); // mean over the pairs: -100 rows are ignored
    figures[STAT.nsp] = nsp;
    figures[STAT.nspRight] = rightOf(nspLogits, batch.nextSentenceLabels);
    loss = add(loss, nsp);
  }
  if (training.tokenMatch && batch.tokenMatch) {
    const { logits, loss: match } = training.tokenMatch.loss(out.lastHiddenState, batch.tokenMatch.positions, batch.tokenMatch.labels);
    figures[STAT.match] = match;
    figures[STAT.matchRight] = rightOf(logits, batch.tokenMatch.labels);
    loss = add(loss, mul(match, tokenMatchWeight));
  }
  return { loss, stats: noGrad(() => stack(figures)) };
}

/**
 * One optimiser step of pre-training: the summed loss, backward, AdamW at
 * `lr`, gradients cleared. Everything is recorded and nothing read back, so
 * the GPU runs the step in one submit; the step's figures (STAT) come back
 * only when `keepStats` (the caller reads and frees them), else null.
 */
export function trainStep(
  training: PretrainingModel,
  optimizer: AdamW,
  batch: PretrainBatch,
  o: { tokenMatchWeight: number; lr: number; keepStats: boolean },
): Tensor | null {
  return scope(() => {
    const { loss, stats } = lossAndStats(training, batch, o.tokenMatchWeight);
    loss.backward();
    optimizer.step(o.lr);
    optimizer.zeroGrad();
    return o.keepStats ? stats : null;
  });
}
