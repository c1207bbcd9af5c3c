/** Public shapes of the synthetic suite: task metadata in the style of GLUE, and splits. */
import type { Example } from '../data/example.js';
import type { GlueMetricName } from '../glue/task-spec.js';

/** The suite's metric names: GLUE's (kept under this name for compatibility). */
export type MetricName = GlueMetricName;

export type SplitName = 'train' | 'dev' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'dev', 'test'];

export interface TaskSplits {
  readonly train: Example[];
  readonly dev: Example[];
  /** Unlabelled unless generated with `testLabels: true`. */
  readonly test: Example[];
}

/**
 * How gold labels are corrupted. "flip": with probability `rate` the label
 * is replaced by a uniformly chosen different label. "gaussian": an
 * approximately normal error with standard deviation `sigma` is added, then
 * the score is clipped to the task's range and rounded to 2 decimals.
 */
export type LabelNoise =
  | { readonly kind: 'flip'; readonly rate: number }
  | { readonly kind: 'gaussian'; readonly sigma: number };

interface TaskMetadataBase {
  /** "syn-sentiment", ...: also the folder name when written to disk. */
  readonly name: string;
  /** The GLUE task it imitates, e.g. "SST-2". */
  readonly analogue: string;
  readonly description: string;
  readonly isPair: boolean;
  /** Metrics to report, main metric first. */
  readonly metrics: readonly MetricName[];
  readonly labelNoise: LabelNoise;
}

export interface ClassificationTaskMetadata extends TaskMetadataBase {
  readonly kind: 'classification';
  /** Label strings as they appear in Example.label; index = class id. */
  readonly labels: readonly string[];
}

export interface RegressionTaskMetadata extends TaskMetadataBase {
  readonly kind: 'regression';
  /** Inclusive range of the score. */
  readonly range: readonly [number, number];
}

export type SyntheticTaskMetadata = ClassificationTaskMetadata | RegressionTaskMetadata;

export type SyntheticTask = SyntheticTaskMetadata & { readonly splits: TaskSplits };

export interface SyntheticSuite {
  readonly seed: number;
  readonly scale: number;
  readonly labelNoise: boolean;
  readonly tasks: readonly SyntheticTask[];
  /** Every word any sentence may contain, punctuation included; independent of seed. */
  vocabulary(): readonly string[];
  /** A WordPiece vocab.txt: [PAD] [UNK] [CLS] [SEP] [MASK] (ids 0-4), then the vocabulary, one per line. */
  vocabTxt(): string;
}
