import { noGrad, scope } from '@bamgpu/core';
import type { BertMultiTask } from '@bamgpu/bert/node';
import { makeBatch } from './batch.js';
import type { Feature } from './features.js';

/** Raw model outputs per feature: logits (classification) or the scalar (regression). */
export type Prediction = number[] | number;

/**
 * Runs a task's head over features in eval mode (no dropout), in batches,
 * reading each batch's outputs back once.
 */
export async function predict(model: BertMultiTask, taskName: string, features: readonly Feature[], batchSize: number, regression: boolean): Promise<Prediction[]> {
  const wasTraining = model.training;
  model.eval();
  const out: Prediction[] = [];
  try {
    for (let i = 0; i < features.length; i += batchSize) {
      const chunk = features.slice(i, i + batchSize);
      const logits = scope(() =>
        noGrad(() => {
          const batch = makeBatch(chunk);
          const res = model.forward(batch, [taskName]).logits.get(taskName)!;
          batch.dispose();
          return res;
        }),
      );
      const data = await logits.data();
      const c = logits.shape[1];
      logits.dispose();
      for (let r = 0; r < chunk.length; r++) {
        out.push(regression ? data[r] : Array.from(data.subarray(r * c, (r + 1) * c)));
      }
    }
  } finally {
    model.train(wasTraining);
  }
  return out;
}
