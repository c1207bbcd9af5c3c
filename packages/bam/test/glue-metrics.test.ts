import { describe, expect, test } from 'vitest';
import {
  accuracy,
  averageRanks,
  f1Score,
  matthewsCorrelation,
  pearsonCorrelation,
  spearmanCorrelation,
} from '../src/glue/index.js';

/**
 * A 2x2 table with TP = 3, FN = 1, FP = 2, TN = 4 (positive class '1'), as
 * (prediction, gold) pairs: (1,1) x3, (0,1) x1, (1,0) x2, (0,0) x4.
 */
const PRED = ['1', '1', '1', '0', '1', '1', '0', '0', '0', '0'];
const GOLD = ['1', '1', '1', '1', '0', '0', '0', '0', '0', '0'];

describe('classification metrics', () => {
  test('accuracy = (TP + TN) / n', () => {
    // (3 + 4) / 10
    expect(accuracy(PRED, GOLD)).toBe(0.7);
  });

  test('binary Matthews correlation from the 2x2 table', () => {
    // (TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))
    //   = (3*4 - 2*1) / sqrt(5*4*6*5) = 10 / sqrt(600) = 0.4082483
    expect(matthewsCorrelation(PRED, GOLD)).toBeCloseTo(0.4082483, 6);
    // Swapping which class is "positive" leaves MCC unchanged.
    const flip = (xs: string[]) => xs.map((x) => (x === '1' ? '0' : '1'));
    expect(matthewsCorrelation(flip(PRED), flip(GOLD))).toBeCloseTo(0.4082483, 6);
    // Perfectly wrong is -1.
    expect(matthewsCorrelation(flip(GOLD), GOLD)).toBeCloseTo(-1, 12);
  });

  test('Matthews correlation is 0 when undefined (one class predicted, or one class in gold)', () => {
    expect(matthewsCorrelation(['1', '1', '1', '1'], ['1', '0', '1', '0'])).toBe(0);
    expect(matthewsCorrelation(['1', '0', '1', '0'], ['1', '1', '1', '1'])).toBe(0);
  });

  test('three-class Matthews correlation (R3, as the diagnostic set is scored)', () => {
    // gold a a b b c c, pred a b b b c a: c = 4 correct of s = 6;
    // predicted counts p = (a 2, b 3, c 1), gold counts t = (2, 2, 2).
    // (c*s - sum p*t) / sqrt((s^2 - sum p^2)(s^2 - sum t^2))
    //   = (24 - (4 + 6 + 2)) / sqrt((36 - 14)(36 - 12)) = 12 / sqrt(528) = 0.5222330
    const gold = ['a', 'a', 'b', 'b', 'c', 'c'];
    const pred = ['a', 'b', 'b', 'b', 'c', 'a'];
    expect(matthewsCorrelation(pred, gold)).toBeCloseTo(0.522233, 6);
  });

  test('F1 of the positive class', () => {
    // precision 3/5, recall 3/4: 2PR/(P+R) = 0.9/1.35 = 2/3 (= 2TP/(2TP+FP+FN) = 6/9)
    expect(f1Score(PRED, GOLD, '1')).toBeCloseTo(2 / 3, 12);
    // F1 of class '0': TP' = 4, FP' = 1 (the FN above), FN' = 2: 8/11
    expect(f1Score(PRED, GOLD, '0')).toBeCloseTo(8 / 11, 12);
    expect(f1Score(['0', '0'], ['1', '0'], '1')).toBe(0);
  });

  test('mismatched lengths and empty input are errors', () => {
    expect(() => accuracy(['1'], ['1', '0'])).toThrow('accuracy: got 1 predictions but 2 gold values');
    expect(() => matthewsCorrelation([], [])).toThrow('matthewsCorrelation: no examples to score');
  });
});

describe('correlations', () => {
  test('Pearson r', () => {
    // x = 1 2 3 4 (mean 2.5), y = 2 4 5 9 (mean 5)
    // dx = -1.5 -0.5 0.5 1.5, dy = -3 -1 0 4
    // Sxy = 4.5 + 0.5 + 0 + 6 = 11, Sxx = 5, Syy = 9 + 1 + 0 + 16 = 26
    // r = 11 / sqrt(5 * 26) = 0.9647638
    expect(pearsonCorrelation([1, 2, 3, 4], [2, 4, 5, 9])).toBeCloseTo(0.9647638, 6);
    expect(pearsonCorrelation([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
  });

  test('Pearson survives large offsets (centred sums)', () => {
    const big = 1e9;
    expect(pearsonCorrelation([big + 1, big + 2, big + 3, big + 4], [2, 4, 5, 9])).toBeCloseTo(0.9647638, 6);
  });

  test('average ranks share tied ranks', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    // 1 takes rank 1; the three 5s share ranks 2, 3, 4 -> 3.
    expect(averageRanks([5, 1, 5, 5])).toEqual([3, 1, 3, 3]);
  });

  test('Spearman rho with ties', () => {
    // x = 1 2 2 3 -> ranks 1 2.5 2.5 4; y = 1 3 2 4 -> ranks 1 3 2 4 (both mean 2.5)
    // dx = -1.5 0 0 1.5, dy = -1.5 0.5 -0.5 1.5
    // Sxy = 2.25 + 0 + 0 + 2.25 = 4.5, Sxx = 4.5, Syy = 5
    // rho = 4.5 / sqrt(4.5 * 5) = 0.9486833
    expect(spearmanCorrelation([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.9486833, 6);
    // Any monotone map of the values gives rho = 1.
    expect(spearmanCorrelation([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
  });

  test('a constant input has no defined correlation: 0', () => {
    expect(pearsonCorrelation([3, 3, 3], [1, 2, 3])).toBe(0);
    expect(spearmanCorrelation([1, 2, 3], [2, 2, 2])).toBe(0);
  });

  test('non-finite values are errors', () => {
    expect(() => pearsonCorrelation([1, Number.NaN], [1, 2])).toThrow('pearsonCorrelation: value 1 is NaN, not a finite number');
  });
});
