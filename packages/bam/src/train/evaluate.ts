import { scoreMetrics, type MetricScores } from '../glue/evaluate.js';
import type { GlueMetricName } from '../glue/task-spec.js';
import type { Feature } from './features.js';
import type { Prediction } from './predict.js';
import type { TrainTask } from './task.js';

export type TaskScores = MetricScores;

/** Index of the largest logit (the first, on ties). */
export const argmax = (xs: readonly number[]) => xs.reduce((best, x, i) => (x > xs[best] ? i : best), 0);

/**
 * Metrics of raw model outputs (logits, or the regression scalar) against gold
 * values as the model sees them (class ids, scaled scores), through the one
 * scorer (glue/evaluate.ts scoreMetrics); `metrics` defaults to the task's.
 */
export function scorePredictions(task: TrainTask, gold: readonly number[], predictions: readonly Prediction[], metrics: readonly GlueMetricName[] = task.metrics): TaskScores {
  if (task.kind === 'regression') return scoreMetrics(task.name, metrics, { kind: 'regression', predicted: predictions as number[], gold });
  const positive = metrics.includes('f1') ? task.labels!.indexOf(task.positiveLabel ?? '1') : undefined;
  return scoreMetrics(task.name, metrics, { kind: 'classification', predicted: (predictions as number[][]).map(argmax), gold, positive });
}

/** Metrics of a task's predictions against its features' gold labels (fractions, not ×100): train's dev scores, `bam eval`, probes. */
export function scoreTask(task: TrainTask, features: readonly Feature[], predictions: readonly Prediction[]): TaskScores {
  return scorePredictions(task, features.map((f) => f.gold), predictions);
}

/** The task's headline number (its first metric). */
export function headline(task: Pick<TrainTask, 'metrics'>, scores: TaskScores): number {
  return scores[task.metrics[0]] ?? NaN;
}
