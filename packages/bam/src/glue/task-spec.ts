/**
 * Shapes of the GLUE task registry: where each task's files live in the
 * official `glue_data` layout, how their rows are laid out, how the task is
 * scored and which leaderboard file its test predictions go to.
 */

/** Canonical GLUE task names, spelled as the leaderboard and the glue_data folders spell them. */
export type GlueTaskName = 'CoLA' | 'SST-2' | 'MRPC' | 'STS-B' | 'QQP' | 'MNLI' | 'QNLI' | 'RTE' | 'WNLI' | 'AX';

/**
 * Metrics as GLUE defines them: the one metric-name type (the trainer's tasks and
 * the synthetic suite use it too). Fractions: accuracy and F1 in [0, 1],
 * correlations in [-1, 1]; the leaderboard and the BAM paper print them x100.
 */
export type GlueMetricName = 'mcc' | 'accuracy' | 'f1' | 'pearson' | 'spearman';

/** Layout of one split's TSV file. Column positions are 0-based. */
export interface GlueSplitSpec {
  /** 'train', 'dev', 'test', or MNLI's 'dev_matched' / 'dev_mismatched' / 'test_matched' / 'test_mismatched'. */
  readonly name: string;
  /** The file, relative to the glue_data root, '/'-separated (e.g. 'MNLI/dev_matched.tsv'). */
  readonly file: string;
  /** Whether the first line is a header (CoLA train/dev are the only GLUE files without one). */
  readonly hasHeader: boolean;
  /** Tab-separated fields every row, and the header, must have. */
  readonly columnCount: number;
  readonly textAColumn: number;
  /** Second sentence of a pair task; absent for single-sentence tasks. */
  readonly textBColumn?: number;
  /** Gold label; absent on unlabelled (test) splits. */
  readonly labelColumn?: number;
  /** Test splits only: the column holding the GLUE index that submissions are keyed by. */
  readonly indexColumn?: number;
  /** Test splits only: the leaderboard submission file this split's predictions go to. */
  readonly submissionFile?: string;
}

/** Where a headline score is read from: one metric on one split. */
export interface GlueScoreSource {
  readonly split: string;
  readonly metric: GlueMetricName;
}

interface GlueTaskCommon {
  readonly name: GlueTaskName;
  /**
   * Lowercase name used by the BAM reference code (google-research `bam/`):
   * cola, sst, mrpc, sts, qqp, mnli, qnli, rte. The reference has no WNLI task
   * and reads the diagnostic set as an MNLI split, so 'wnli' and 'ax' are ours.
   */
  readonly bamName: string;
  /** Folder under glue_data in the official download layout. */
  readonly folder: string;
  readonly isPair: boolean;
  /** Metrics reported per evaluated split, in the leaderboard's column order. */
  readonly metrics: readonly GlueMetricName[];
  readonly splits: readonly GlueSplitSpec[];
  /** Other accepted spellings of split names, e.g. MNLI 'dev' -> 'dev_matched' as the BAM reference maps it. */
  readonly splitAliases: Readonly<Record<string, string>>;
  /**
   * Splits whose metrics make up the leaderboard task score: the mean over these
   * splits of the mean of `metrics`. MNLI: matched and mismatched; AX: its only split.
   */
  readonly glueScoreSplits: readonly string[];
  /** The single number the BAM paper reports for the task on dev. */
  readonly bamScore: GlueScoreSource;
  /** Whether the task counts in the GLUE leaderboard average (all but AX). */
  readonly inGlueAverage: boolean;
  /** Whether the task counts in the BAM paper's average (the paper leaves out WNLI; AX is never averaged). */
  readonly inBamAverage: boolean;
  /** The task whose trained model makes this task's predictions: AX is predicted by the MNLI model. */
  readonly modelTask: GlueTaskName;
  /**
   * QQP only: rows with too few fields (questions broken across lines in the
   * released file) are skipped and counted instead of failing the read.
   */
  readonly skipShortRows: boolean;
}

export interface GlueClassificationTask extends GlueTaskCommon {
  readonly kind: 'classification';
  /** Label strings as the files spell them, in the BAM reference's order (= logit order). */
  readonly labels: readonly string[];
  /** The class F1 is computed for (MRPC, QQP: '1' = paraphrase / duplicate). */
  readonly positiveLabel?: string;
}

export interface GlueRegressionTask extends GlueTaskCommon {
  readonly kind: 'regression';
  /** Inclusive range of gold scores; submissions are clipped into it. */
  readonly range: readonly [min: number, max: number];
}

export type GlueTaskSpec = GlueClassificationTask | GlueRegressionTask;
