import { accuracy, f1Score, matthewsCorrelation, pearsonCorrelation, spearmanCorrelation } from './metrics.js';
import type { GlueMetricName, GlueTaskSpec } from './task-spec.js';
import { resolveGlueTask } from './tasks.js';

/** Metrics keyed by name (fractions, not x100). */
export type MetricScores = Partial<Record<GlueMetricName, number>>;

/** A task's metrics on one split, keyed by metric name (fractions, not x100). */
export type GlueMetrics = Readonly<MetricScores>;

/** Metrics of several splits of one task, keyed by split name ('dev', 'dev_matched', ...). */
export type GlueMetricsBySplit = Readonly<Record<string, GlueMetrics>>;

/**
 * Scores predictions against golds on one split with the task's GLUE metrics:
 * CoLA {mcc}; MRPC, QQP {f1, accuracy} (F1 of label '1'); STS-B {pearson,
 * spearman}; AX {mcc} (R3); the rest {accuracy}. MNLI is scored one split at a
 * time, so matched and mismatched come out as separate records.
 *
 * @param predictions label strings for classification tasks (as the files spell
 *   them, e.g. 'entailment'), numbers for STS-B.
 * @param golds same kinds; `Example.label` values can be passed straight in.
 */
export function evaluateGlue(
  task: GlueTaskSpec | string,
  predictions: readonly (string | number)[],
  golds: readonly (string | number | undefined)[],
): GlueMetrics {
  const spec = resolveGlueTask(task);
  if (predictions.length !== golds.length) {
    throw new Error(`${spec.name}: got ${predictions.length} predictions but ${golds.length} gold labels`);
  }
  if (golds.length === 0) throw new Error(`${spec.name}: no examples to score`);

  if (spec.kind === 'regression') {
    const predicted = predictions.map((p, i) => expectScore(spec.name, 'prediction', i, p));
    const gold = golds.map((g, i) => expectScore(spec.name, 'gold label', i, g));
    return scoreMetrics(spec.name, spec.metrics, { kind: 'regression', predicted, gold });
  }
  const predicted = predictions.map((p, i) => expectLabel(spec.name, spec.labels, 'prediction', i, p));
  const gold = golds.map((g, i) => expectLabel(spec.name, spec.labels, 'gold label', i, g));
  return scoreMetrics(spec.name, spec.metrics, { kind: 'classification', predicted, gold, positive: spec.positiveLabel });
}

/** Predictions and gold values to score: classes (label strings or class ids) or regression scores. */
export type Scored<L> =
  | { readonly kind: 'regression'; readonly predicted: readonly number[]; readonly gold: readonly number[] }
  | { readonly kind: 'classification'; readonly predicted: readonly L[]; readonly gold: readonly L[]; readonly positive?: L };

/**
 * The one scorer behind every dev and test metric (evaluateGlue, the trainer's
 * and `bam eval`'s scoreTask, `bam run`'s reference metrics): `metrics` in
 * their order, each a fraction. Throws on a metric the kind has no rule for
 * (F1 needs `positive`).
 */
export function scoreMetrics<L>(taskName: string, metrics: readonly GlueMetricName[], s: Scored<L>): MetricScores {
  if (s.kind === 'regression') {
    return pick(metrics, {
      pearson: () => pearsonCorrelation(s.predicted, s.gold),
      spearman: () => spearmanCorrelation(s.predicted, s.gold),
    }, taskName);
  }
  const positive = s.positive;
  return pick(metrics, {
    accuracy: () => accuracy(s.predicted, s.gold),
    mcc: () => matthewsCorrelation(s.predicted, s.gold),
    ...(positive === undefined ? {} : { f1: () => f1Score(s.predicted, s.gold, positive) }),
  }, taskName);
}

/**
 * The task's score as the GLUE leaderboard averages it: the mean of its metrics
 * (MRPC, QQP: (F1 + accuracy) / 2; STS-B: (Pearson + Spearman) / 2), and for
 * MNLI the mean of matched and mismatched accuracy. The GLUE score is the mean
 * of this over the tasks with `inGlueAverage`.
 */
export function glueTaskScore(task: GlueTaskSpec | string, bySplit: GlueMetricsBySplit): number {
  const spec = resolveGlueTask(task);
  let total = 0;
  for (const split of spec.glueScoreSplits) {
    let splitTotal = 0;
    for (const metric of spec.metrics) splitTotal += requireMetric(spec, bySplit, split, metric);
    total += splitTotal / spec.metrics.length;
  }
  return total / spec.glueScoreSplits.length;
}

/**
 * The single dev number the BAM paper reports for the task: Matthews
 * correlation for CoLA, Spearman for STS-B, accuracy elsewhere (MNLI: on
 * dev_matched), matching the reference code's scorers. The paper's average is
 * over the tasks with `inBamAverage` (WNLI left out).
 */
export function bamTaskScore(task: GlueTaskSpec | string, bySplit: GlueMetricsBySplit): number {
  const spec = resolveGlueTask(task);
  return requireMetric(spec, bySplit, spec.bamScore.split, spec.bamScore.metric);
}

function requireMetric(task: GlueTaskSpec, bySplit: GlueMetricsBySplit, split: string, metric: GlueMetricName): number {
  const splitMetrics = Object.hasOwn(bySplit, split) ? bySplit[split] : undefined;
  if (splitMetrics === undefined) {
    const given = Object.keys(bySplit);
    throw new Error(
      `${task.name} score needs metrics for split "${split}"; got ${given.length > 0 ? given.join(', ') : 'none'}`,
    );
  }
  const value = splitMetrics[metric];
  if (value === undefined) throw new Error(`${task.name} score needs "${metric}" on split "${split}"`);
  return value;
}

function pick(
  metrics: readonly GlueMetricName[],
  compute: Partial<Record<GlueMetricName, () => number>>,
  taskName: string,
): MetricScores {
  const out: MetricScores = {};
  for (const metric of metrics) {
    const fn = compute[metric];
    if (fn === undefined) throw new Error(`${taskName}: metric "${metric}" does not apply to this task's kind`);
    out[metric] = fn();
  }
  return out;
}

function expectLabel(
  task: string,
  labels: readonly string[],
  role: string,
  i: number,
  value: string | number | undefined,
): string {
  if (typeof value === 'string' && labels.includes(value)) return value;
  const shown = describe(value);
  throw new Error(`${task} ${role} ${i} is ${shown}; valid labels: ${labels.join(', ')}`);
}

function expectScore(task: string, role: string, i: number, value: string | number | undefined): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const shown = describe(value);
  throw new Error(`${task} ${role} ${i} is ${shown}; expected a finite number`);
}

function describe(value: string | number | undefined): string {
  if (value === undefined) return 'missing (test splits have no labels)';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
