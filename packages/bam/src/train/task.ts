import type { Example } from '../data/example.js';
import type { GlueMetricName, GlueTaskSpec } from '../glue/task-spec.js';
import type { SyntheticTask } from '../synthetic/types.js';

/**
 * A task as the trainer sees it, whatever its source (GLUE folders, the
 * embedded synthetic suite): how its labels map to model outputs, how it is
 * scored, and its examples.
 */
export interface TrainTask {
  /** Head and file name (GLUE tasks use the reference's names: rte, sts, …). */
  readonly name: string;
  readonly kind: 'classification' | 'regression';
  /** Label strings in logit order (classification). */
  readonly labels?: readonly string[];
  /** Gold score range (regression); targets are scaled to (y − min) / (max − min). */
  readonly range?: readonly [number, number];
  readonly isPair: boolean;
  /** Metrics reported on dev, headline metric first. */
  readonly metrics: readonly GlueMetricName[];
  /** The class F1 is computed for. */
  readonly positiveLabel?: string;
  /** Train on both sentence orders (the reference does so for MRPC and STS-B). */
  readonly symmetric: boolean;
  readonly train: readonly Example[];
  readonly dev: readonly Example[];
  readonly test: readonly Example[];
}

/** Model outputs per task: classes, or 1 for regression. */
export function numOutputs(task: TrainTask): number {
  return task.kind === 'classification' ? task.labels!.length : 1;
}

/** Gold label of an example as the model sees it: class index, or the scaled score. */
export function goldOf(task: TrainTask, ex: Example, where: string): number {
  if (ex.label === undefined) throw new Error(`${where}: example ${ex.id} of task ${task.name} has no label`);
  if (task.kind === 'classification') {
    const i = task.labels!.indexOf(String(ex.label));
    if (i < 0) throw new Error(`${where}: label "${ex.label}" of example ${ex.id} is not one of ${task.name}'s labels (${task.labels!.join(', ')})`);
    return i;
  }
  const [lo, hi] = task.range!;
  const y = Number(ex.label);
  if (!Number.isFinite(y) || y < lo || y > hi) throw new Error(`${where}: score ${ex.label} of example ${ex.id} is outside ${task.name}'s range [${lo}, ${hi}]`);
  return (y - lo) / (hi - lo);
}

export function fromSynthetic(t: SyntheticTask): TrainTask {
  return {
    name: t.name,
    kind: t.kind,
    labels: t.kind === 'classification' ? t.labels : undefined,
    range: t.kind === 'regression' ? t.range : undefined,
    isPair: t.isPair,
    metrics: t.metrics,
    positiveLabel: t.kind === 'classification' && t.metrics.includes('f1') ? '1' : undefined,
    symmetric: t.name === 'syn-paraphrase' || t.name === 'syn-similarity',
    train: t.splits.train,
    dev: t.splits.dev,
    test: t.splits.test,
  };
}

/** GLUE task with loaded splits; metrics follow the BAM reference (no F1 for MRPC/QQP there, but we report it too). */
export function fromGlue(spec: GlueTaskSpec, splits: { train: Example[]; dev: Example[]; test?: Example[] }): TrainTask {
  return {
    name: spec.bamName,
    kind: spec.kind,
    labels: spec.kind === 'classification' ? spec.labels : undefined,
    range: spec.kind === 'regression' ? spec.range : undefined,
    isPair: spec.isPair,
    metrics: [...new Set([spec.bamScore.metric, ...spec.metrics])],
    positiveLabel: spec.kind === 'classification' ? spec.positiveLabel : undefined,
    symmetric: spec.name === 'MRPC' || spec.name === 'STS-B',
    train: splits.train,
    dev: splits.dev,
    test: splits.test ?? [],
  };
}
