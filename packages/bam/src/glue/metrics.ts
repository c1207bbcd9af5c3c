/**
 * The statistics GLUE scores tasks with, as plain functions of two equally
 * long arrays. Results are fractions (not x100). They follow scikit-learn /
 * SciPy, which the GLUE server and the BAM reference use, except that an
 * undefined correlation (a constant input) is 0 rather than NaN, so a
 * degenerate model scores as "no correlation" and averages stay finite.
 */

function checkPaired(what: string, a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) {
    throw new Error(`${what}: got ${a.length} predictions but ${b.length} gold values; they must pair up one to one`);
  }
  if (a.length === 0) throw new Error(`${what}: no examples to score`);
}

function checkFinite(what: string, values: readonly number[]): void {
  const i = values.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new Error(`${what}: value ${i} is ${values[i]}, not a finite number`);
}

/** Fraction of positions where prediction equals gold. */
export function accuracy<T>(predictions: readonly T[], golds: readonly T[]): number {
  checkPaired('accuracy', predictions, golds);
  let correct = 0;
  for (let i = 0; i < golds.length; i++) if (predictions[i] === golds[i]) correct++;
  return correct / golds.length;
}

/**
 * Matthews correlation coefficient, in the multiclass form scikit-learn's
 * `matthews_corrcoef` uses (Gorodkin's R_K; GLUE's R3 for the diagnostic set).
 * With c correct out of s, p_k predictions and t_k golds of class k:
 *   MCC = (c*s - sum_k p_k*t_k) / sqrt((s^2 - sum_k p_k^2) * (s^2 - sum_k t_k^2)).
 * For two classes this is (TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
 * 0 when undefined (all predictions, or all golds, in one class).
 */
export function matthewsCorrelation<T>(predictions: readonly T[], golds: readonly T[]): number {
  checkPaired('matthewsCorrelation', predictions, golds);
  const predicted = new Map<T, number>();
  const actual = new Map<T, number>();
  let correct = 0;
  for (let i = 0; i < golds.length; i++) {
    predicted.set(predictions[i], (predicted.get(predictions[i]) ?? 0) + 1);
    actual.set(golds[i], (actual.get(golds[i]) ?? 0) + 1);
    if (predictions[i] === golds[i]) correct++;
  }
  const s = golds.length;
  let sumPT = 0;
  let sumP2 = 0;
  let sumT2 = 0;
  for (const [cls, p] of predicted) {
    sumPT += p * (actual.get(cls) ?? 0);
    sumP2 += p * p;
  }
  for (const t of actual.values()) sumT2 += t * t;
  const denominator = Math.sqrt(s * s - sumP2) * Math.sqrt(s * s - sumT2);
  return denominator === 0 ? 0 : (correct * s - sumPT) / denominator;
}

/**
 * F1 of one class: 2*TP / (2*TP + FP + FN), the harmonic mean of its precision
 * and recall. 0 when the class is never correctly predicted.
 */
export function f1Score<T>(predictions: readonly T[], golds: readonly T[], positive: T): number {
  checkPaired('f1Score', predictions, golds);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < golds.length; i++) {
    const predictedPositive = predictions[i] === positive;
    const actuallyPositive = golds[i] === positive;
    if (predictedPositive && actuallyPositive) tp++;
    else if (predictedPositive) fp++;
    else if (actuallyPositive) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** Pearson's r. 0 when either input is constant (r is undefined there). */
export function pearsonCorrelation(xs: readonly number[], ys: readonly number[]): number {
  checkPaired('pearsonCorrelation', xs, ys);
  checkFinite('pearsonCorrelation', xs);
  checkFinite('pearsonCorrelation', ys);
  const n = xs.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += xs[i];
    meanY += ys[i];
  }
  meanX /= n;
  meanY /= n;
  // Centre first (two passes): the one-pass sum-of-squares formula loses
  // precision when scores are large relative to their spread.
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - meanX;
    const dy = ys[i] - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return 0;
  // Clamp the last-bit rounding that can push |r| a hair past 1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * 1-based ranks of the values, ties sharing the mean of the ranks they span
 * (SciPy's `rankdata(method="average")`): [10, 20, 20, 30] -> [1, 2.5, 2.5, 4].
 */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    // Positions start..end-1 hold ranks start+1..end; their mean is (start+1+end)/2.
    const shared = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = shared;
    start = end;
  }
  return ranks;
}

/** Spearman's rho: Pearson's r of the average ranks. 0 when either input is constant. */
export function spearmanCorrelation(xs: readonly number[], ys: readonly number[]): number {
  checkPaired('spearmanCorrelation', xs, ys);
  checkFinite('spearmanCorrelation', xs);
  checkFinite('spearmanCorrelation', ys);
  return pearsonCorrelation(averageRanks(xs), averageRanks(ys));
}
