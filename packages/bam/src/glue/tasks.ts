import type { GlueSplitSpec, GlueTaskName, GlueTaskSpec } from './task-spec.js';

/*
 * The nine GLUE tasks plus the diagnostic set (AX), as laid out by the official
 * download script (folders CoLA, SST-2, ..., diagnostic/diagnostic.tsv).
 * Column positions match the BAM reference (`classification_tasks.py`) and
 * Hugging Face's `glue.py` processors; header lines are listed in comments.
 * Label lists are in the BAM reference's order, which fixes the logit order.
 */

const BINARY = ['0', '1'] as const;
const NLI_3 = ['contradiction', 'entailment', 'neutral'] as const;
const NLI_2 = ['entailment', 'not_entailment'] as const;

/** Layout shared by QNLI, RTE and WNLI: `index, text_a, text_b, label`; test drops the label. */
function indexedPairSplits(folder: string, submissionFile: string): GlueSplitSpec[] {
  const labelled = (name: string): GlueSplitSpec => ({
    name, file: `${folder}/${name}.tsv`, hasHeader: true, columnCount: 4,
    textAColumn: 1, textBColumn: 2, labelColumn: 3,
  });
  return [
    labelled('train'),
    labelled('dev'),
    {
      name: 'test', file: `${folder}/test.tsv`, hasHeader: true, columnCount: 3,
      indexColumn: 0, textAColumn: 1, textBColumn: 2, submissionFile,
    },
  ];
}

const COLA: GlueTaskSpec = {
  name: 'CoLA', bamName: 'cola', folder: 'CoLA', kind: 'classification', labels: BINARY,
  isPair: false, metrics: ['mcc'],
  splits: [
    // No header. Columns: source, label, original judgement ('*' or empty), sentence.
    { name: 'train', file: 'CoLA/train.tsv', hasHeader: false, columnCount: 4, textAColumn: 3, labelColumn: 1 },
    { name: 'dev', file: 'CoLA/dev.tsv', hasHeader: false, columnCount: 4, textAColumn: 3, labelColumn: 1 },
    // Header: index, sentence.
    { name: 'test', file: 'CoLA/test.tsv', hasHeader: true, columnCount: 2, indexColumn: 0, textAColumn: 1, submissionFile: 'CoLA.tsv' },
  ],
  splitAliases: {}, glueScoreSplits: ['dev'], bamScore: { split: 'dev', metric: 'mcc' },
  inGlueAverage: true, inBamAverage: true, modelTask: 'CoLA', skipShortRows: false,
};

const SST_2: GlueTaskSpec = {
  name: 'SST-2', bamName: 'sst', folder: 'SST-2', kind: 'classification', labels: BINARY,
  isPair: false, metrics: ['accuracy'],
  splits: [
    // Header: sentence, label.
    { name: 'train', file: 'SST-2/train.tsv', hasHeader: true, columnCount: 2, textAColumn: 0, labelColumn: 1 },
    { name: 'dev', file: 'SST-2/dev.tsv', hasHeader: true, columnCount: 2, textAColumn: 0, labelColumn: 1 },
    // Header: index, sentence.
    { name: 'test', file: 'SST-2/test.tsv', hasHeader: true, columnCount: 2, indexColumn: 0, textAColumn: 1, submissionFile: 'SST-2.tsv' },
  ],
  splitAliases: {}, glueScoreSplits: ['dev'], bamScore: { split: 'dev', metric: 'accuracy' },
  inGlueAverage: true, inBamAverage: true, modelTask: 'SST-2', skipShortRows: false,
};

const MRPC: GlueTaskSpec = {
  name: 'MRPC', bamName: 'mrpc', folder: 'MRPC', kind: 'classification', labels: BINARY, positiveLabel: '1',
  isPair: true, metrics: ['f1', 'accuracy'],
  splits: [
    // Header: Quality, #1 ID, #2 ID, #1 String, #2 String (Quality is the label).
    { name: 'train', file: 'MRPC/train.tsv', hasHeader: true, columnCount: 5, textAColumn: 3, textBColumn: 4, labelColumn: 0 },
    { name: 'dev', file: 'MRPC/dev.tsv', hasHeader: true, columnCount: 5, textAColumn: 3, textBColumn: 4, labelColumn: 0 },
    // Header: index, #1 ID, #2 ID, #1 String, #2 String.
    {
      name: 'test', file: 'MRPC/test.tsv', hasHeader: true, columnCount: 5,
      indexColumn: 0, textAColumn: 3, textBColumn: 4, submissionFile: 'MRPC.tsv',
    },
  ],
  // BAM reports accuracy for MRPC (its MRPC scorer is the accuracy scorer).
  splitAliases: {}, glueScoreSplits: ['dev'], bamScore: { split: 'dev', metric: 'accuracy' },
  inGlueAverage: true, inBamAverage: true, modelTask: 'MRPC', skipShortRows: false,
};

const STS_B: GlueTaskSpec = {
  name: 'STS-B', bamName: 'sts', folder: 'STS-B', kind: 'regression', range: [0, 5],
  isPair: true, metrics: ['pearson', 'spearman'],
  splits: [
    // Header: index, genre, filename, year, old_index, source1, source2, sentence1, sentence2, score.
    { name: 'train', file: 'STS-B/train.tsv', hasHeader: true, columnCount: 10, textAColumn: 7, textBColumn: 8, labelColumn: 9 },
    { name: 'dev', file: 'STS-B/dev.tsv', hasHeader: true, columnCount: 10, textAColumn: 7, textBColumn: 8, labelColumn: 9 },
    // Same header without score.
    {
      name: 'test', file: 'STS-B/test.tsv', hasHeader: true, columnCount: 9,
      indexColumn: 0, textAColumn: 7, textBColumn: 8, submissionFile: 'STS-B.tsv',
    },
  ],
  splitAliases: {}, glueScoreSplits: ['dev'], bamScore: { split: 'dev', metric: 'spearman' },
  inGlueAverage: true, inBamAverage: true, modelTask: 'STS-B', skipShortRows: false,
};

const QQP: GlueTaskSpec = {
  name: 'QQP', bamName: 'qqp', folder: 'QQP', kind: 'classification', labels: BINARY, positiveLabel: '1',
  isPair: true, metrics: ['f1', 'accuracy'],
  splits: [
    // Header: id, qid1, qid2, question1, question2, is_duplicate.
    { name: 'train', file: 'QQP/train.tsv', hasHeader: true, columnCount: 6, textAColumn: 3, textBColumn: 4, labelColumn: 5 },
    { name: 'dev', file: 'QQP/dev.tsv', hasHeader: true, columnCount: 6, textAColumn: 3, textBColumn: 4, labelColumn: 5 },
    // Header: id, question1, question2.
    {
      name: 'test', file: 'QQP/test.tsv', hasHeader: true, columnCount: 3,
      indexColumn: 0, textAColumn: 1, textBColumn: 2, submissionFile: 'QQP.tsv',
    },
  ],
  splitAliases: {}, glueScoreSplits: ['dev'], bamScore: { split: 'dev', metric: 'accuracy' },
  inGlueAverage: true, inBamAverage: true, modelTask: 'QQP', skipShortRows: true,
};

/*
 * MNLI header (train, 12 columns): index, promptID, pairID, genre,
 * sentence1_binary_parse, sentence2_binary_parse, sentence1_parse, sentence2_parse,
 * sentence1, sentence2, label1, gold_label. Dev adds label2..label5 (16 columns);
 * test stops after sentence2 (10 columns). The gold label is the last column.
 */
function mnliLabelled(name: string, columnCount: number): GlueSplitSpec {
  return {
    name, file: `MNLI/${name}.tsv`, hasHeader: true, columnCount,
    textAColumn: 8, textBColumn: 9, labelColumn: columnCount - 1,
  };
}
function mnliTest(name: string, submissionFile: string): GlueSplitSpec {
  return {
    name, file: `MNLI/${name}.tsv`, hasHeader: true, columnCount: 10,
    indexColumn: 0, textAColumn: 8, textBColumn: 9, submissionFile,
  };
}

const MNLI: GlueTaskSpec = {
  name: 'MNLI', bamName: 'mnli', folder: 'MNLI', kind: 'classification', labels: NLI_3,
  isPair: true, metrics: ['accuracy'],
  splits: [
    mnliLabelled('train', 12),
    mnliLabelled('dev_matched', 16),
    mnliLabelled('dev_mismatched', 16),
    mnliTest('test_matched', 'MNLI-m.tsv'),
    mnliTest('test_mismatched', 'MNLI-mm.tsv'),
  ],
  // The BAM reference evaluates MNLI on dev_matched when asked for 'dev'.
  splitAliases: { dev: 'dev_matched' },
  glueScoreSplits: ['dev_matched', 'dev_mismatched'],
  bamScore: { split: 'dev_matched', metric: 'accuracy' },
  inGlueAverage: true, inBamAverage: true, modelTask: 'MNLI', skipShortRows: false,
};

const QNLI: GlueTaskSpec = {
  name: 'QNLI', bamName: 'qnli', folder: 'QNLI', kind: 'classification', labels: NLI_2,
  isPair: true, metrics: ['accuracy'],
  // Header: index, question, sentence, label.
  splits: indexedPairSplits('QNLI', 'QNLI.tsv'),
  splitAliases: {}, glueScoreSplits: ['dev'], bamScore: { split: 'dev', metric: 'accuracy' },
  inGlueAverage: true, inBamAverage: true, modelTask: 'QNLI', skipShortRows: false,
};

const RTE: GlueTaskSpec = {
  name: 'RTE', bamName: 'rte', folder: 'RTE', kind: 'classification', labels: NLI_2,
  isPair: true, metrics: ['accuracy'],
  // Header: index, sentence1, sentence2, label.
  splits: indexedPairSplits('RTE', 'RTE.tsv'),
  splitAliases: {}, glueScoreSplits: ['dev'], bamScore: { split: 'dev', metric: 'accuracy' },
  inGlueAverage: true, inBamAverage: true, modelTask: 'RTE', skipShortRows: false,
};

const WNLI: GlueTaskSpec = {
  // Not in the BAM reference; labels as Hugging Face's WNLI processor has them.
  name: 'WNLI', bamName: 'wnli', folder: 'WNLI', kind: 'classification', labels: BINARY,
  isPair: true, metrics: ['accuracy'],
  // Header: index, sentence1, sentence2, label.
  splits: indexedPairSplits('WNLI', 'WNLI.tsv'),
  splitAliases: {}, glueScoreSplits: ['dev'], bamScore: { split: 'dev', metric: 'accuracy' },
  inGlueAverage: true, inBamAverage: false, modelTask: 'WNLI', skipShortRows: false,
};

const AX: GlueTaskSpec = {
  // The diagnostic set: unlabelled, predicted by the MNLI model, scored by the
  // leaderboard with R3 (Matthews correlation generalised to three classes).
  name: 'AX', bamName: 'ax', folder: 'diagnostic', kind: 'classification', labels: NLI_3,
  isPair: true, metrics: ['mcc'],
  splits: [
    // Header: index, sentence1, sentence2.
    {
      name: 'test', file: 'diagnostic/diagnostic.tsv', hasHeader: true, columnCount: 3,
      indexColumn: 0, textAColumn: 1, textBColumn: 2, submissionFile: 'AX.tsv',
    },
  ],
  splitAliases: { diagnostic: 'test' }, glueScoreSplits: ['test'], bamScore: { split: 'test', metric: 'mcc' },
  inGlueAverage: false, inBamAverage: false, modelTask: 'MNLI', skipShortRows: false,
};

/** Every task, in the GLUE leaderboard's column order. */
export const GLUE_TASKS: readonly GlueTaskSpec[] = [COLA, SST_2, MRPC, STS_B, QQP, MNLI, QNLI, RTE, WNLI, AX];

export const GLUE_TASK_NAMES: readonly GlueTaskName[] = GLUE_TASKS.map((t) => t.name);

const TASKS_BY_LOWERCASE_NAME: ReadonlyMap<string, GlueTaskSpec> = new Map(
  GLUE_TASKS.flatMap((t) => [[t.name.toLowerCase(), t], [t.bamName, t]] as const),
);

/**
 * Looks a task up by its GLUE name (any case: 'SST-2', 'sst-2') or its BAM
 * reference name ('sst', 'sts', ...). Throws, listing the valid names, when unknown.
 */
export function getGlueTask(name: string): GlueTaskSpec {
  const task = TASKS_BY_LOWERCASE_NAME.get(name.toLowerCase());
  if (task === undefined) {
    throw new Error(
      `Unknown GLUE task "${name}". Valid names: ${GLUE_TASK_NAMES.join(', ')} ` +
        `(or lowercase: ${GLUE_TASKS.map((t) => t.bamName).join(', ')}).`,
    );
  }
  return task;
}

/** Accepts a task spec as is, or looks a name up with getGlueTask. */
export function resolveGlueTask(task: GlueTaskSpec | string): GlueTaskSpec {
  return typeof task === 'string' ? getGlueTask(task) : task;
}

/** One split of a task by name or alias (MNLI 'dev' = 'dev_matched'). Throws, listing the task's splits, when unknown. */
export function getGlueSplit(task: GlueTaskSpec | string, split: string): GlueSplitSpec {
  const spec = resolveGlueTask(task);
  const name = Object.hasOwn(spec.splitAliases, split) ? spec.splitAliases[split] : split;
  const found = spec.splits.find((s) => s.name === name);
  if (found === undefined) {
    throw new Error(
      `${spec.name} has no split "${split}". Valid splits: ${spec.splits.map((s) => s.name).join(', ')}.`,
    );
  }
  return found;
}

/** The task's unlabelled splits that produce leaderboard submission files. */
export function glueTestSplits(task: GlueTaskSpec | string): readonly GlueSplitSpec[] {
  return resolveGlueTask(task).splits.filter((s) => s.submissionFile !== undefined);
}

/** One split a model is asked to predict: the name its outputs carry, and where its rows are read from. */
export interface PredictedSplit {
  /** Name in output files: `<task>_<name>_predictions_<n>.pkl` (the reference's split name). */
  name: string;
  /** Task whose layout and submission file the rows belong to (AX for MNLI's diagnostic). */
  source: GlueTaskSpec;
  /** Split of `source`. */
  split: string;
}

/**
 * The unlabelled splits the reference predicts for a task
 * (classification_tasks.get_test_splits): `test`, and for MNLI
 * test_matched, test_mismatched and `diagnostic`, the GLUE diagnostic set
 * (AX) that the MNLI model answers.
 */
export function predictedTestSplits(task: GlueTaskSpec | string): PredictedSplit[] {
  const spec = resolveGlueTask(task);
  const own = glueTestSplits(spec).map((s) => ({ name: s.name, source: spec, split: s.name }));
  return spec.name === 'MNLI' ? [...own, { name: 'diagnostic', source: AX, split: 'test' }] : own;
}
