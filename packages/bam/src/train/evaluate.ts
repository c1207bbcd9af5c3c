import { accuracy, f1Score, matthewsCorrelation, pearsonCorrelation, spearmanCorrelation } from '../glue/metrics.js';
import type { Feature } from './features.js';
import type { Prediction } from './predict.js';
import type { TaskMetric, TrainTask } from './task.js';

export type TaskScores = Partial<Record<TaskMetric, number>>;

const argmax = (xs: readonly number[]) => xs.reduce((best, x, i) => (x > xs[best] ? i : best), 0);

/** Metrics of a task's predictions against its features' gold labels (fractions, not ×100). */
export function scoreTask(task: TrainTask, features: readonly Feature[], predictions: readonly Prediction[]): TaskScores {
  const gold = features.map((f) => f.gold);
  const scores: TaskScores = {};
  if (task.kind === 'regression') {
    const pred = predictions as number[];
    for (const m of task.metrics) {
      if (m === 'pearson') scores.pearson = pearsonCorrelation(pred, gold);
      if (m === 'spearman') scores.spearman = spearmanCorrelation(pred, gold);
    }
    return scores;
  }
  const pred = (predictions as number[][]).map(argmax);
  for (const m of task.metrics) {
    if (m === 'accuracy') scores.accuracy = accuracy(pred, gold);
    if (m === 'mcc') scores.mcc = matthewsCorrelation(pred, gold);
    if (m === 'f1') scores.f1 = f1Score(pred, gold, task.labels!.indexOf(task.positiveLabel ?? '1'));
  }
  return scores;
}

/** The task's headline number (its first metric). */
export function headline(task: TrainTask, scores: TaskScores): number {
  return scores[task.metrics[0]] ?? NaN;
}
