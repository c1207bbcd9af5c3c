import { describe, expect, test } from 'vitest';
import { GLUE_TASKS, bamTaskScore, evaluateGlue, glueTaskScore, type GlueMetricsBySplit } from '../src/glue/index.js';

describe('evaluateGlue', () => {
  test('MRPC and QQP: F1 of label "1" and accuracy', () => {
    // TP 3, FN 1, FP 2, TN 4: F1 = 6/9, accuracy = 7/10.
    const pred = ['1', '1', '1', '0', '1', '1', '0', '0', '0', '0'];
    const gold = ['1', '1', '1', '1', '0', '0', '0', '0', '0', '0'];
    const mrpc = evaluateGlue('MRPC', pred, gold);
    expect(Object.keys(mrpc)).toEqual(['f1', 'accuracy']);
    expect(mrpc.f1).toBeCloseTo(2 / 3, 12);
    expect(mrpc.accuracy).toBe(0.7);
    expect(evaluateGlue('qqp', pred, gold).f1).toBeCloseTo(2 / 3, 12);
  });

  test('CoLA: Matthews correlation only', () => {
    // TP 1, TN 1, FP 1, FN 1: (1 - 1) / sqrt(2*2*2*2) = 0.
    expect(evaluateGlue('CoLA', ['1', '0', '1', '0'], ['1', '0', '0', '1'])).toEqual({ mcc: 0 });
    // TP 2, TN 1, FP 1, FN 0: (2*1 - 1*0) / sqrt(3*2*2*1) = 2 / sqrt(12) = 0.5773503
    expect(evaluateGlue('CoLA', ['1', '1', '1', '0'], ['1', '1', '0', '0']).mcc).toBeCloseTo(0.5773503, 6);
  });

  test('STS-B: Pearson and Spearman on scores', () => {
    // Same numbers as the correlation tests: r = 11/sqrt(130); ranks have no ties so rho = 1.
    const m = evaluateGlue('STS-B', [1, 2, 3, 4], [2, 4, 5, 9]);
    expect(Object.keys(m)).toEqual(['pearson', 'spearman']);
    expect(m.pearson).toBeCloseTo(0.9647638, 6);
    expect(m.spearman).toBeCloseTo(1, 12);
  });

  test('MNLI matched and mismatched are scored separately, accuracy each', () => {
    const matched = evaluateGlue('MNLI', ['entailment', 'neutral', 'neutral', 'contradiction'], ['entailment', 'neutral', 'contradiction', 'contradiction']);
    const mismatched = evaluateGlue('MNLI', ['entailment', 'neutral'], ['entailment', 'contradiction']);
    expect(matched).toEqual({ accuracy: 0.75 });
    expect(mismatched).toEqual({ accuracy: 0.5 });
    const bySplit = { dev_matched: matched, dev_mismatched: mismatched };
    // Leaderboard: (0.75 + 0.5) / 2; BAM paper: matched only.
    expect(glueTaskScore('MNLI', bySplit)).toBe(0.625);
    expect(bamTaskScore('MNLI', bySplit)).toBe(0.75);
  });

  test('predictions and golds are checked against the label list', () => {
    expect(() => evaluateGlue('RTE', ['entailment', 'yes'], ['entailment', 'entailment'])).toThrow(
      'RTE prediction 1 is "yes"; valid labels: entailment, not_entailment',
    );
    expect(() => evaluateGlue('RTE', ['entailment'], [undefined])).toThrow(
      'RTE gold label 0 is missing (test splits have no labels); valid labels: entailment, not_entailment',
    );
    // A label index is not a label: 0 could mean "0" or "contradiction".
    expect(() => evaluateGlue('CoLA', [0], ['0'])).toThrow('CoLA prediction 0 is 0; valid labels: 0, 1');
    expect(() => evaluateGlue('STS-B', [Number.NaN], [1])).toThrow('STS-B prediction 0 is NaN; expected a finite number');
    expect(() => evaluateGlue('SST-2', ['1'], [])).toThrow('SST-2: got 1 predictions but 0 gold labels');
  });
});

describe('headline scores', () => {
  test('GLUE averages a task\'s metrics; BAM reports one of them', () => {
    const dev = (m: GlueMetricsBySplit[string]): GlueMetricsBySplit => ({ dev: m });
    expect(glueTaskScore('MRPC', dev({ f1: 0.9, accuracy: 0.8 }))).toBeCloseTo(0.85, 12);
    expect(bamTaskScore('MRPC', dev({ f1: 0.9, accuracy: 0.8 }))).toBe(0.8);
    expect(glueTaskScore('STS-B', dev({ pearson: 0.88, spearman: 0.86 }))).toBeCloseTo(0.87, 12);
    expect(bamTaskScore('STS-B', dev({ pearson: 0.88, spearman: 0.86 }))).toBe(0.86);
    expect(bamTaskScore('CoLA', dev({ mcc: 0.6 }))).toBe(0.6);
  });

  test('reproduces the leaderboard GLUE score of BERT-large (80.5)', () => {
    // Leaderboard row for BERT-large (Devlin et al.): CoLA 60.5, SST-2 94.9,
    // MRPC 89.3/85.4 (F1/acc), STS-B 87.6/86.5 (Pearson/Spearman), QQP 72.1/89.3,
    // MNLI-m 86.7, MNLI-mm 85.9, QNLI 92.7, RTE 70.1, WNLI 65.1; AX 39.6 is not averaged.
    const results: Record<string, GlueMetricsBySplit> = {
      'CoLA': { dev: { mcc: 60.5 } },
      'SST-2': { dev: { accuracy: 94.9 } },
      'MRPC': { dev: { f1: 89.3, accuracy: 85.4 } },
      'STS-B': { dev: { pearson: 87.6, spearman: 86.5 } },
      'QQP': { dev: { f1: 72.1, accuracy: 89.3 } },
      'MNLI': { dev_matched: { accuracy: 86.7 }, dev_mismatched: { accuracy: 85.9 } },
      'QNLI': { dev: { accuracy: 92.7 } },
      'RTE': { dev: { accuracy: 70.1 } },
      'WNLI': { dev: { accuracy: 65.1 } },
      'AX': { test: { mcc: 39.6 } },
    };
    const averaged = GLUE_TASKS.filter((t) => t.inGlueAverage).map((t) => glueTaskScore(t, results[t.name]));
    // (60.5 + 94.9 + 87.35 + 87.05 + 80.7 + 86.3 + 92.7 + 70.1 + 65.1) / 9 = 724.7 / 9 = 80.52
    const score = averaged.reduce((a, b) => a + b, 0) / averaged.length;
    expect(score).toBeCloseTo(80.5222, 3);
  });

  test('a missing split or metric is an error naming what is needed', () => {
    expect(() => glueTaskScore('MNLI', { dev_matched: { accuracy: 0.8 } })).toThrow(
      'MNLI score needs metrics for split "dev_mismatched"; got dev_matched',
    );
    expect(() => glueTaskScore('QQP', { dev: { accuracy: 0.8 } })).toThrow('QQP score needs "f1" on split "dev"');
    expect(() => bamTaskScore('RTE', {})).toThrow('RTE score needs metrics for split "dev"; got none');
  });
});
