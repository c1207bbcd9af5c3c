import { describe, expect, test } from 'vitest';
import { GLUE_TASKS, GLUE_TASK_NAMES, getGlueSplit, getGlueTask, glueTestSplits } from '../src/glue/index.js';

describe('GLUE task registry', () => {
  test('lists the nine tasks and the diagnostic set in leaderboard order', () => {
    expect(GLUE_TASK_NAMES).toEqual(['CoLA', 'SST-2', 'MRPC', 'STS-B', 'QQP', 'MNLI', 'QNLI', 'RTE', 'WNLI', 'AX']);
  });

  test('looks tasks up by GLUE name in any case and by the BAM reference names', () => {
    // task_builder.get_task in the reference accepts exactly these eight names.
    const bam = { cola: 'CoLA', sst: 'SST-2', mrpc: 'MRPC', sts: 'STS-B', qqp: 'QQP', mnli: 'MNLI', qnli: 'QNLI', rte: 'RTE' };
    for (const [alias, name] of Object.entries(bam)) expect(getGlueTask(alias).name).toBe(name);
    expect(getGlueTask('sst-2').name).toBe('SST-2');
    expect(getGlueTask('STS-B').name).toBe('STS-B');
    expect(getGlueTask('wnli').name).toBe('WNLI');
    expect(getGlueTask('ax').name).toBe('AX');
  });

  test('an unknown task name is an error listing the valid names', () => {
    expect(() => getGlueTask('sst2x')).toThrow(
      'Unknown GLUE task "sst2x". Valid names: CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI, AX ' +
        '(or lowercase: cola, sst, mrpc, sts, qqp, mnli, qnli, rte, wnli, ax).',
    );
  });

  test('files per split follow the official glue_data layout', () => {
    const files = Object.fromEntries(GLUE_TASKS.map((t) => [t.name, t.splits.map((s) => s.file)]));
    expect(files).toEqual({
      'CoLA': ['CoLA/train.tsv', 'CoLA/dev.tsv', 'CoLA/test.tsv'],
      'SST-2': ['SST-2/train.tsv', 'SST-2/dev.tsv', 'SST-2/test.tsv'],
      'MRPC': ['MRPC/train.tsv', 'MRPC/dev.tsv', 'MRPC/test.tsv'],
      'STS-B': ['STS-B/train.tsv', 'STS-B/dev.tsv', 'STS-B/test.tsv'],
      'QQP': ['QQP/train.tsv', 'QQP/dev.tsv', 'QQP/test.tsv'],
      'MNLI': ['MNLI/train.tsv', 'MNLI/dev_matched.tsv', 'MNLI/dev_mismatched.tsv', 'MNLI/test_matched.tsv', 'MNLI/test_mismatched.tsv'],
      'QNLI': ['QNLI/train.tsv', 'QNLI/dev.tsv', 'QNLI/test.tsv'],
      'RTE': ['RTE/train.tsv', 'RTE/dev.tsv', 'RTE/test.tsv'],
      'WNLI': ['WNLI/train.tsv', 'WNLI/dev.tsv', 'WNLI/test.tsv'],
      'AX': ['diagnostic/diagnostic.tsv'],
    });
  });

  test('only CoLA train and dev lack a header row', () => {
    const headerless = GLUE_TASKS.flatMap((t) => t.splits.filter((s) => !s.hasHeader).map((s) => s.file));
    expect(headerless).toEqual(['CoLA/train.tsv', 'CoLA/dev.tsv']);
  });

  test('labels are in the BAM reference order; STS-B is a 0-5 regression', () => {
    const labels = Object.fromEntries(
      GLUE_TASKS.map((t) => [t.name, t.kind === 'classification' ? t.labels : `regression ${t.range.join('-')}`]),
    );
    expect(labels).toEqual({
      'CoLA': ['0', '1'], 'SST-2': ['0', '1'], 'MRPC': ['0', '1'], 'STS-B': 'regression 0-5', 'QQP': ['0', '1'],
      'MNLI': ['contradiction', 'entailment', 'neutral'], 'QNLI': ['entailment', 'not_entailment'],
      'RTE': ['entailment', 'not_entailment'], 'WNLI': ['0', '1'], 'AX': ['contradiction', 'entailment', 'neutral'],
    });
  });

  test('pair tasks and metrics', () => {
    const single = GLUE_TASKS.filter((t) => !t.isPair).map((t) => t.name);
    expect(single).toEqual(['CoLA', 'SST-2']);
    const metrics = Object.fromEntries(GLUE_TASKS.map((t) => [t.name, t.metrics]));
    expect(metrics).toEqual({
      'CoLA': ['mcc'], 'SST-2': ['accuracy'], 'MRPC': ['f1', 'accuracy'], 'STS-B': ['pearson', 'spearman'],
      'QQP': ['f1', 'accuracy'], 'MNLI': ['accuracy'], 'QNLI': ['accuracy'], 'RTE': ['accuracy'],
      'WNLI': ['accuracy'], 'AX': ['mcc'],
    });
  });

  test('submission file names of the test splits', () => {
    const files = GLUE_TASKS.flatMap((t) => glueTestSplits(t).map((s) => `${t.name}:${s.name}=${s.submissionFile}`));
    expect(files).toEqual([
      'CoLA:test=CoLA.tsv', 'SST-2:test=SST-2.tsv', 'MRPC:test=MRPC.tsv', 'STS-B:test=STS-B.tsv', 'QQP:test=QQP.tsv',
      'MNLI:test_matched=MNLI-m.tsv', 'MNLI:test_mismatched=MNLI-mm.tsv', 'QNLI:test=QNLI.tsv', 'RTE:test=RTE.tsv',
      'WNLI:test=WNLI.tsv', 'AX:test=AX.tsv',
    ]);
  });

  test('AX is predicted by the MNLI model and left out of both averages', () => {
    const ax = getGlueTask('AX');
    expect(ax.modelTask).toBe('MNLI');
    expect([ax.inGlueAverage, ax.inBamAverage]).toEqual([false, false]);
    expect(getGlueTask('WNLI').inBamAverage).toBe(false);
    expect(GLUE_TASKS.filter((t) => t.inGlueAverage)).toHaveLength(9);
  });

  test('split lookup accepts the BAM alias dev -> dev_matched for MNLI and lists valid splits otherwise', () => {
    expect(getGlueSplit('MNLI', 'dev').name).toBe('dev_matched');
    expect(getGlueSplit('rte', 'dev').file).toBe('RTE/dev.tsv');
    expect(() => getGlueSplit('MNLI', 'test')).toThrow(
      'MNLI has no split "test". Valid splits: train, dev_matched, dev_mismatched, test_matched, test_mismatched.',
    );
    expect(() => getGlueSplit('CoLA', 'toString')).toThrow('CoLA has no split "toString". Valid splits: train, dev, test.');
  });
});
