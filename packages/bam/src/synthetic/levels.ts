/**
 * Where a dev score sits for each synthetic task: the chance level (the best
 * a constant prediction scores) and the ceiling (the noise-free rule labels
 * scored against the noisy gold labels: no model can expect more, docs §5).
 * Both are computed on the very dev split the scores are measured on.
 */
import { scoreMetrics, type Scored } from '../glue/evaluate.js';
import { f1Score } from '../glue/metrics.js';
import type { MetricName, SyntheticSuite, SyntheticTask } from './types.js';
import { generateSyntheticGlue } from './suite.js';

export interface ReferenceLevels {
  /** The headline metric the levels are in (a fraction, not ×100). */
  metric: MetricName;
  chance: number;
  ceiling: number;
}

/** One metric of label strings (scores as strings for pearson), through the one scorer. */
function headlineScore(metric: MetricName, predictions: readonly string[], gold: readonly string[], positive = '1'): number {
  if (metric === 'spearman') throw new Error(`no reference levels for metric ${metric}`);
  const scored: Scored<string> = metric === 'pearson'
    ? { kind: 'regression', predicted: predictions.map(Number), gold: gold.map(Number) }
    : { kind: 'classification', predicted: predictions, gold, positive };
  return scoreMetrics('reference levels', [metric], scored)[metric]!;
}

/** The best score of a constant prediction: the majority class for accuracy, all-positive for F1, 0 for correlations. */
function chanceOf(task: SyntheticTask, gold: readonly string[]): number {
  const metric = task.metrics[0];
  if (metric === 'mcc' || metric === 'pearson' || metric === 'spearman') return 0;
  if (task.kind !== 'classification') throw new Error(`${task.name}: no chance level for ${metric}`);
  return Math.max(...task.labels.map((l) => headlineScore(metric, gold.map(() => l), gold, l === '1' ? '1' : l)));
}

/** Chance and ceiling of every task's headline metric on the suite's dev splits. */
export function referenceLevels(suite: SyntheticSuite): Map<string, ReferenceLevels> {
  if (!suite.labelNoise) throw new Error('reference levels need the noisy suite (the ceiling is the rule labels against noisy gold)');
  const clean = generateSyntheticGlue({ seed: suite.seed, scale: suite.scale, labelNoise: false });
  const out = new Map<string, ReferenceLevels>();
  suite.tasks.forEach((task, i) => {
    const metric = task.metrics[0];
    const gold = task.splits.dev.map((e) => String(e.label));
    const rule = clean.tasks[i].splits.dev.map((e) => String(e.label));
    if (task.kind === 'classification' && metric === 'f1') {
      out.set(task.name, { metric, chance: f1Score(gold.map(() => '1'), gold, '1'), ceiling: f1Score(rule, gold, '1') });
    } else out.set(task.name, { metric, chance: chanceOf(task, gold), ceiling: headlineScore(metric, rule, gold) });
  });
  return out;
}
