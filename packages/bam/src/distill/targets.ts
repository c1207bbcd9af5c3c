/**
 * Teacher annealing (Clark et al., 2019, §3): the student's target moves
 * from the teacher's prediction to the gold label as training progresses.
 * Everything here is plain float64 arithmetic on the CPU — targets for one
 * batch are a few numbers per example — so it can be pinned by unit tests.
 */

/** How the gold label and the teacher's prediction are mixed. */
export type TargetMix =
  /** λ = step / totalSteps: pure teacher at the start, pure gold at the end (BAM). */
  | { kind: 'anneal' }
  /** A constant weight on the teacher (the reference's `teacher_annealing: false` + `distill_weight`). */
  | { kind: 'fixed'; teacherWeight: number }
  /** Gold labels only (no distillation). */
  | { kind: 'gold' }
  /**
   * The control without a teacher: the annealing schedule applied to hard
   * labels alone — the target moves from uniform to the gold label — to
   * separate the effect of the schedule from that of the teacher.
   */
  | { kind: 'anneal-no-teacher' };

/** λ, the weight on the gold label, at `step` (0-based, before the update, as the reference's global_step) of `totalSteps`. */
export function annealLambda(step: number, totalSteps: number): number {
  if (totalSteps <= 0) return 1;
  return Math.min(1, Math.max(0, step / totalSteps));
}

/** Weight on the gold label for a mix at a given step. */
export function goldWeight(mix: TargetMix, step: number, totalSteps: number): number {
  switch (mix.kind) {
    case 'anneal':
    case 'anneal-no-teacher':
      return annealLambda(step, totalSteps);
    case 'fixed':
      return 1 - mix.teacherWeight;
    case 'gold':
      return 1;
  }
}

/** Softmax in float64 (max-shifted). */
export function softmax64(logits: readonly number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * Soft target for a classification example: λ·onehot(gold) + (1−λ)·softmax(teacher).
 * Without a teacher (gold or no-teacher mixes) the non-gold part is uniform
 * (only the no-teacher control gives it weight).
 */
export function classificationTarget(mix: TargetMix, lambda: number, gold: number, numLabels: number, teacherLogits?: readonly number[]): number[] {
  const onehot = Array.from({ length: numLabels }, (_, c) => (c === gold ? 1 : 0));
  if (mix.kind === 'gold') return onehot;
  let other: number[];
  if (mix.kind === 'anneal-no-teacher') other = onehot.map(() => 1 / numLabels);
  else {
    if (!teacherLogits) throw new Error('classificationTarget: the teacher prediction is missing');
    if (teacherLogits.length !== numLabels) throw new Error(`classificationTarget: teacher gave ${teacherLogits.length} logits for ${numLabels} labels`);
    other = softmax64(teacherLogits);
  }
  return onehot.map((g, c) => lambda * g + (1 - lambda) * other[c]);
}

/**
 * Regression target: λ·gold + (1−λ)·teacher, in the scaled space (STS-B scores / 5).
 * The no-teacher control moves from the label range's midpoint (0.5) to gold.
 */
export function regressionTarget(mix: TargetMix, lambda: number, gold: number, teacher?: number): number {
  if (mix.kind === 'gold') return gold;
  if (mix.kind === 'anneal-no-teacher') return lambda * gold + (1 - lambda) * 0.5;
  if (teacher === undefined) throw new Error('regressionTarget: the teacher prediction is missing');
  return lambda * gold + (1 - lambda) * teacher;
}
