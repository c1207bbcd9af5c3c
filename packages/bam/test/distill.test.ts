/**
 * λ, the annealed targets and both distillation losses, pinned to numbers
 * worked out by hand (the arithmetic is in the comments).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { scope, tensor } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { annealLambda, classificationTarget, goldWeight, regressionTarget, softmax64 } from '../src/distill/targets.js';
import { softTargetLoss, squaredErrorLoss } from '../src/distill/losses.js';

beforeAll(async () => {
  await initNode();
});

describe('teacher annealing', () => {
  test('λ = step / total, counted before the update', () => {
    // 10 steps: λ is 0 on the first step, 0.5 half way, 0.9 on the last.
    expect(annealLambda(0, 10)).toBe(0);
    expect(annealLambda(5, 10)).toBe(0.5);
    expect(annealLambda(9, 10)).toBe(0.9);
    expect(annealLambda(10, 10)).toBe(1);
    expect(goldWeight({ kind: 'fixed', teacherWeight: 0.5 }, 7, 10)).toBe(0.5);
    expect(goldWeight({ kind: 'gold' }, 0, 10)).toBe(1);
    expect(goldWeight({ kind: 'anneal-no-teacher' }, 3, 10)).toBe(0.3);
  });

  test('classification target = λ·onehot + (1−λ)·softmax(teacher)', () => {
    // softmax([2, 0]) = [e²/(e²+1), 1/(e²+1)] = [0.880797, 0.119203]
    expect(softmax64([2, 0])[0]).toBeCloseTo(0.8807970779778824, 12);
    // λ = 0.25, gold = 1: [0.75·0.880797, 0.25 + 0.75·0.119203] = [0.660598, 0.339402]
    const t = classificationTarget({ kind: 'anneal' }, 0.25, 1, 2, [2, 0]);
    expect(t[0]).toBeCloseTo(0.6605978084834119, 12);
    expect(t[1]).toBeCloseTo(0.3394021915165881, 12);
    // No teacher: the control moves from uniform to gold: λ=0.25, 3 labels, gold 2 → [0.25, 0.25, 0.5]
    expect(classificationTarget({ kind: 'anneal-no-teacher' }, 0.25, 2, 3)).toEqual([0.25, 0.25, 0.5]);
    expect(classificationTarget({ kind: 'gold' }, 0.25, 0, 3)).toEqual([1, 0, 0]);
    expect(() => classificationTarget({ kind: 'anneal' }, 0.5, 0, 2)).toThrow(/teacher prediction is missing/);
  });

  test('regression target = λ·(y/5) + (1−λ)·teacher', () => {
    // gold 3.5 → 0.7; teacher 0.5; λ = 0.25 → 0.25·0.7 + 0.75·0.5 = 0.55
    expect(regressionTarget({ kind: 'anneal' }, 0.25, 3.5 / 5, 0.5)).toBeCloseTo(0.55, 12);
    // no-teacher control starts at the middle of [0, 1]: 0.25·0.7 + 0.75·0.5 = 0.55 as well, by construction
    expect(regressionTarget({ kind: 'anneal-no-teacher' }, 0, 0.7)).toBe(0.5);
  });
});

describe('distillation losses on the GPU', () => {
  test('soft-target cross-entropy, summed over rows and weighted', async () => {
    await scope(async () => {
      // Row 1: logits [0, 1]; log_softmax = [−1.313262, −0.313262];
      //   target [0.660598, 0.339402] → 0.660598·1.313262 + 0.339402·0.313262 = 0.973859
      // Row 2 (3 labels) is a separate call: logits [1, −1, 0.5], lse = 1.554957,
      //   target [0.25, 0.25, 0.5] → Σ t·(lse − x) = 1.304957
      const l1 = softTargetLoss(tensor([[0, 1]]), [classificationTarget({ kind: 'anneal' }, 0.25, 1, 2, [2, 0])]);
      expect(await l1.item()).toBeCloseTo(0.9738594960016347, 5);
      const l2 = softTargetLoss(tensor([[1, -1, 0.5]]), [[0.25, 0.25, 0.5]], 2);
      expect(await l2.item()).toBeCloseTo(2 * 1.3049569196419908, 5);
      // Two rows sum (not average): 0.973859 + 0.973859
      const l3 = softTargetLoss(tensor([[0, 1], [0, 1]]), [[0.6605978084834119, 0.3394021915165881], [0.6605978084834119, 0.3394021915165881]]);
      expect(await l3.item()).toBeCloseTo(2 * 0.9738594960016347, 5);
    });
  });

  test('squared error against the annealed regression target', async () => {
    await scope(async () => {
      // predictions [0.8, 0.1], targets [0.55, 0.3]: (0.25)² + (−0.2)² = 0.0625 + 0.04 = 0.1025; weight 1.5 → 0.15375
      const l = squaredErrorLoss(tensor([[0.8], [0.1]]), [0.55, 0.3], 1.5);
      expect(await l.item()).toBeCloseTo(0.15375, 6);
    });
  });
});
