import { crossEntropy, mul, sum, sub, square, tensor, type Tensor } from '@bamgpu/core';

/**
 * Per-example losses of one task's rows, weighted and summed (the reference
 * sums over the batch; it does not average). `targets` are soft
 * distributions [n, C] for classification, scalars [n] for regression.
 */
export function softTargetLoss(logits: Tensor, targets: readonly number[][], weight = 1): Tensor {
  const n = targets.length;
  const c = logits.shape[1];
  const t = tensor(Float32Array.from(targets.flat()), [n, c]);
  const perRow = crossEntropy(logits, t, { reduction: 'none' });
  const s = sum(perRow);
  const out = weight === 1 ? s : mul(s, weight);
  if (out !== s) s.dispose();
  perRow.dispose();
  t.dispose();
  return out;
}

/** Σ weight·(prediction − target)² over a task's rows; predictions [n, 1] or [n]. */
export function squaredErrorLoss(predictions: Tensor, targets: readonly number[], weight = 1): Tensor {
  const p = predictions.rank === 2 ? predictions.reshape([targets.length]) : predictions;
  const t = tensor(Float32Array.from(targets), [targets.length]);
  const d = sub(p, t);
  const sq = square(d);
  const s = sum(sq);
  const out = weight === 1 ? s : mul(s, weight);
  for (const x of [t, d, sq]) x.dispose();
  if (p !== predictions) p.dispose();
  if (out !== s) s.dispose();
  return out;
}
