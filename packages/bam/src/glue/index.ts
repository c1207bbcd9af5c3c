// Browser-safe GLUE pieces: the task registry, pure parsing, metrics and
// submission formatting. File reading and writing live in ./node.ts.
export type {
  GlueClassificationTask,
  GlueMetricName,
  GlueRegressionTask,
  GlueScoreSource,
  GlueSplitSpec,
  GlueTaskName,
  GlueTaskSpec,
} from './task-spec.js';
export { GLUE_TASKS, GLUE_TASK_NAMES, getGlueSplit, getGlueTask, glueTestSplits, resolveGlueTask } from './tasks.js';
export { GlueFormatError } from './format-error.js';
export { parseTsv, type TsvRow } from './tsv.js';
export { parseGlueSplit, type GlueSplitData } from './parse-split.js';
export {
  accuracy,
  averageRanks,
  f1Score,
  matthewsCorrelation,
  pearsonCorrelation,
  spearmanCorrelation,
} from './metrics.js';
export { bamTaskScore, evaluateGlue, glueTaskScore, scoreMetrics, type GlueMetrics, type GlueMetricsBySplit, type MetricScores, type Scored } from './evaluate.js';
export { formatSubmission, submissionSplit, type SubmissionRow } from './submission.js';
