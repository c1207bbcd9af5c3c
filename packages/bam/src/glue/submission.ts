import type { GlueSplitSpec, GlueTaskSpec } from './task-spec.js';
import { getGlueSplit, glueTestSplits, resolveGlueTask } from './tasks.js';

/** One test prediction: the example id (= GLUE index) and the predicted label or score. */
export interface SubmissionRow {
  readonly id: string;
  /** Label string for classification tasks ('1', 'entailment', ...); a number for STS-B. */
  readonly prediction: string | number;
}

const GLUE_INDEX = /^(0|[1-9]\d*)$/;

/** The test split of a task that a submission is for; throws, listing the task's test splits, otherwise. */
export function submissionSplit(task: GlueTaskSpec | string, split: string): GlueSplitSpec & { submissionFile: string } {
  const spec = resolveGlueTask(task);
  const layout = getGlueSplit(spec, split);
  const file = layout.submissionFile;
  if (file === undefined) {
    const tests = glueTestSplits(spec).map((s) => s.name).join(', ');
    throw new Error(`${spec.name} ${layout.name} is not a test split; submissions are written for: ${tests}`);
  }
  return { ...layout, submissionFile: file };
}

/**
 * The text of a GLUE leaderboard submission file: a header `index\tprediction`,
 * then one `index\tprediction` line per example in ascending index order, each
 * line ending in \n. Predictions are the task's label strings: 0/1 for CoLA,
 * SST-2, MRPC, QQP and WNLI; entailment / not_entailment / contradiction /
 * neutral for MNLI, QNLI, RTE and AX. STS-B scores are clipped into the 0-5
 * scale and written with three decimals.
 *
 * Rows must cover indices 0..n-1 exactly once, since the server expects a
 * prediction for every test example.
 */
export function formatSubmission(task: GlueTaskSpec | string, split: string, rows: readonly SubmissionRow[]): string {
  const spec = resolveGlueTask(task);
  const layout = submissionSplit(spec, split);
  const where = `${spec.name} ${layout.name} submission (${layout.submissionFile})`;

  if (rows.length === 0) throw new Error(`${where}: no predictions to write`);
  const byIndex = new Array<string | undefined>(rows.length);
  for (const row of rows) {
    if (!GLUE_INDEX.test(row.id)) throw new Error(`${where}: id "${row.id}" is not a GLUE index (a non-negative integer)`);
    const index = Number(row.id);
    if (index >= rows.length) {
      throw new Error(`${where}: index ${index} is out of range for ${rows.length} rows; indices must run 0..${rows.length - 1}`);
    }
    if (byIndex[index] !== undefined) throw new Error(`${where}: index ${index} appears twice`);
    byIndex[index] = formatPrediction(spec, row.prediction, `${where}, index ${index}`);
  }
  // Every slot is filled here: n distinct indices, each in 0..n-1.
  const lines = ['index\tprediction', ...byIndex.map((p, i) => `${i}\t${p}`)];
  return lines.join('\n') + '\n';
}

function formatPrediction(task: GlueTaskSpec, prediction: string | number, where: string): string {
  if (task.kind === 'regression') {
    if (typeof prediction !== 'number' || !Number.isFinite(prediction)) {
      throw new Error(`${where}: prediction ${String(prediction)} is not a finite number`);
    }
    const [min, max] = task.range;
    return Math.min(max, Math.max(min, prediction)).toFixed(3);
  }
  if (typeof prediction !== 'string' || !task.labels.includes(prediction)) {
    const shown = typeof prediction === 'string' ? JSON.stringify(prediction) : String(prediction);
    throw new Error(`${where}: prediction ${shown} is not a label of ${task.name}; valid labels: ${task.labels.join(', ')}`);
  }
  return prediction;
}
