import { noGrad, scope } from '@bamgpu/core';
import type { BertModel } from '@bamgpu/bert/node';
import { makeBatch } from '../train/batch.js';
import { scoreTask, type TaskScores } from '../train/evaluate.js';
import type { Feature } from '../train/features.js';
import { numOutputs, type TrainTask } from '../train/task.js';

/**
 * Frozen features of each example: the final [CLS] vector and the mean of
 * the final vectors over real tokens, side by side ([2H]). Dropout off.
 */
export async function encoderFeatures(bert: BertModel, features: readonly Feature[], batchSize: number): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  const wasTraining = bert.training;
  bert.eval();
  try {
    for (let i = 0; i < features.length; i += batchSize) {
      const chunk = features.slice(i, i + batchSize);
      const hidden = scope(() => noGrad(() => {
        const batch = makeBatch(chunk);
        const h = bert.encode(batch);
        batch.dispose();
        return h;
      }));
      const [, t, h] = hidden.shape;
      const data = await hidden.data();
      hidden.dispose();
      chunk.forEach((f, r) => {
        const v = new Float64Array(2 * h);
        for (let k = 0; k < h; k++) v[k] = data[r * t * h + k];
        const n = f.inputIds.length;
        for (let p = 0; p < n; p++) for (let k = 0; k < h; k++) v[h + k] += data[(r * t + p) * h + k] / n;
        out.push(v);
      });
    }
  } finally {
    bert.train(wasTraining);
  }
  return out;
}

/** Solves (XᵀX + λI) W = XᵀY by Gaussian elimination with partial pivoting (X gets a bias column). */
function ridge(x: readonly Float64Array[], y: readonly Float64Array[], lambda: number): Float64Array[] {
  const d = x[0].length + 1;
  const k = y[0].length;
  const a = Array.from({ length: d }, () => new Float64Array(d + k));
  x.forEach((row, n) => {
    // Only the row's non-zero entries contribute (the tokens' features are mostly zeros).
    const nz: number[] = [];
    for (let i = 0; i < d - 1; i++) if (row[i] !== 0) nz.push(i);
    nz.push(d - 1);
    const xr = (i: number): number => (i === d - 1 ? 1 : row[i]);
    for (const i of nz) {
      for (const j of nz) a[i][j] += xr(i) * xr(j);
      for (let c = 0; c < k; c++) a[i][d + c] += xr(i) * y[n][c];
    }
  });
  for (let i = 0; i < d - 1; i++) a[i][i] += lambda; // the bias is not shrunk
  for (let col = 0; col < d; col++) {
    let piv = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    [a[col], a[piv]] = [a[piv], a[col]];
    const p = a[col][col] || 1e-12;
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = a[r][col] / p;
      if (f !== 0) for (let c = col; c < d + k; c++) a[r][c] -= f * a[col][c];
    }
  }
  return Array.from({ length: d }, (_, i) => Float64Array.from({ length: k }, (_, c) => a[i][d + c] / (a[i][i] || 1e-12)));
}

function apply(w: readonly Float64Array[], x: Float64Array): number[] {
  const k = w[0].length;
  const out = new Array<number>(k).fill(0);
  for (let i = 0; i < x.length; i++) for (let c = 0; c < k; c++) out[c] += x[i] * w[i][c];
  for (let c = 0; c < k; c++) out[c] += w[x.length][c];
  return out;
}

/**
 * A linear probe: ridge regression from frozen encoder features to the
 * task's targets (one-hot classes, or the scaled score), fitted on train and
 * scored on dev with the task's metrics. It asks whether the encoder's
 * features already hold what the task needs in linear form, with no
 * fine-tuning to supply it.
 */
export function linearProbe(task: TrainTask, train: { x: Float64Array[]; f: readonly Feature[] }, dev: { x: Float64Array[]; f: readonly Feature[] }, lambda = 1): TaskScores {
  const k = numOutputs(task);
  const targets = train.f.map((f) => (task.kind === 'regression' ? Float64Array.of(f.gold) : Float64Array.from({ length: k }, (_, c) => (c === f.gold ? 1 : 0))));
  const w = ridge(train.x, targets, lambda);
  const preds = dev.x.map((x) => apply(w, x));
  return scoreTask(task, dev.f, task.kind === 'regression' ? preds.map((p) => p[0]) : preds);
}
