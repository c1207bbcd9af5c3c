import { beforeAll, describe, expect, test } from 'vitest';
import { AdamW, bertWarmupDecay, clipGradNorm, linearWarmupDecay, layerwiseMultiplier, lrSchedule, memory, parameter, scope, tensor } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { ADAMW_CASES, adamwCaseLabel, checkAdamW } from './helpers/adamw-check.js';
import { expectClose } from './helpers/check.js';

beforeAll(async () => {
  await initNode();
});

describe('AdamW (fused) against a float64 reference', () => {
  // The same check runs on GPUs through the device op runner (test/device/ops-runner.ts).
  for (const c of ADAMW_CASES) test(adamwCaseLabel(c), () => checkAdamW(c));

  test('takes its no-decay rule from the caller and refuses to guess one', async () => {
    await scope(async () => {
      const w = parameter(tensor([1, 2], [2]));
      // @ts-expect-error -- noDecay is required
      expect(() => new AdamW([['w', w]], { lr: 0.1 })).toThrow(/options\.noDecay is required.*BERT_NO_DECAY from @bamgpu\/bert/);
      // Decay on 'w' (rule false) shrinks it with a zero gradient; excluded (rule true) it stays.
      const decayed = parameter(tensor([1, 2], [2]));
      const kept = parameter(tensor([1, 2], [2]));
      const optD = new AdamW([['w', decayed]], { lr: 0.5, weightDecay: 0.1, noDecay: () => false });
      const optK = new AdamW([['w', kept]], { lr: 0.5, weightDecay: 0.1, noDecay: (n) => n === 'w' });
      decayed.grad = tensor([0, 0], [2]);
      kept.grad = tensor([0, 0], [2]);
      optD.step();
      optK.step();
      expectClose(await decayed.data(), [1 - 0.5 * 0.1, 2 * (1 - 0.5 * 0.1)], 1e-6, 'decayed');
      expectClose(await kept.data(), [1, 2], 1e-6, 'excluded');
      optD.dispose();
      optK.dispose();
    });
  });

  test('state round-trips through stateDict/loadStateDict and continues identically', async () => {
    await scope(async () => {
      const mk = () => parameter(tensor([0.5, -0.25, 1, 2, -3], [5]));
      const a = mk();
      const b = mk();
      const optA = new AdamW([['w', a]], { lr: 0.1, noDecay: () => false });
      const optB = new AdamW([['w', b]], { lr: 0.1, noDecay: () => false });
      const grads = [[1, 2, 3, 4, 5], [-1, 0.5, 0, 2, 1], [0.3, 0.3, -0.3, 1, 0]];
      for (const g of grads.slice(0, 2)) {
        a.grad = tensor(g);
        optA.step();
        optA.zeroGrad();
      }
      // B replays A's state and weights, then both take the same third step.
      const st = await optA.stateDict();
      b.runtime.upload(b.binding(), (await a.data()) as Float32Array);
      optB.loadStateDict(st);
      a.grad = tensor(grads[2]);
      b.grad = tensor(grads[2]);
      optA.step();
      optB.step();
      expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
      optA.zeroGrad();
      optB.zeroGrad();
      optA.dispose();
      optB.dispose();
      a.dispose();
      b.dispose();
    });
  });
});

describe('schedules and clipping', () => {
  test('linear warm-up then linear decay (BERT)', () => {
    // 100 steps, 10% warm-up: 0 → 1 over steps 0..10, then 1 → 0 at step 100.
    expect(linearWarmupDecay(0, 100)).toBe(0);
    expect(linearWarmupDecay(5, 100)).toBeCloseTo(0.5);
    expect(linearWarmupDecay(10, 100)).toBeCloseTo(1);
    expect(linearWarmupDecay(55, 100)).toBeCloseTo(0.5);
    expect(linearWarmupDecay(100, 100)).toBe(0);
    expect(layerwiseMultiplier(3, 0.9)).toBeCloseTo(0.729);
  });

  test("BERT's schedule (the BAM reference's): warm-up replaces a decay of 1 - s/T over all T steps", () => {
    // optimization.create_optimizer: polynomial_decay(lr, s, T, power=1) = lr·(1 − s/T);
    // for s < W = int(T·0.1), lr·s/W instead. The audit's step 9 of 20 (W = 2):
    expect(bertWarmupDecay(9, 20)).toBeCloseTo(1 - 9 / 20, 12); // 5.500e-5 at lr 1e-4
    expect(linearWarmupDecay(9, 20)).toBeCloseTo((20 - 9) / (20 - 2), 12); // 6.111e-5: Hugging Face's
    expect([0, 1, 2, 19, 20].map((s) => bertWarmupDecay(s, 20))).toEqual([0, 0.5, 1 - 2 / 20, 1 - 19 / 20, 0]);
    // No warm-up when int(T·f) is 0: the decay from step 0.
    expect(bertWarmupDecay(0, 5)).toBe(1);
    expect(lrSchedule('bert')).toBe(bertWarmupDecay);
    expect(lrSchedule('hf')).toBe(linearWarmupDecay);
  });

  test('clipGradNorm scales to the max norm and returns the norm', async () => {
    await scope(async () => {
      const p = parameter(tensor([0, 0, 0]));
      const q = parameter(tensor([0]));
      p.grad = tensor([3, 0, 0]);
      q.grad = tensor([4]);
      const norm = clipGradNorm([p, q], 1);
      expect(await norm.item()).toBeCloseTo(5, 5);
      expectClose(await p.grad.data(), [0.6, 0, 0], 1e-5, 'p.grad');
      expectClose(await q.grad.data(), [0.8], 1e-5, 'q.grad');
      p.dispose();
      q.dispose();
    });
  });

  test('an arena larger than one storage binding (BERT-base-sized) is updated in chunks, end to end', async () => {
    const rt = (await import('@bamgpu/core')).getDefaultRuntime();
    const n = Math.floor(rt.limits.maxStorageBufferBindingSize / 4) + 1000; // just past one binding
    const w0 = new Float32Array(n).fill(1);
    const p = parameter(tensor(w0, [n]));
    const q = parameter(tensor([2, 2, 2]));
    const opt = new AdamW([['big.weight', p], ['small.weight', q]], { lr: 0.1, weightDecay: 0, biasCorrection: true, maxGradNorm: 0, noDecay: () => false });
    const g = new Float32Array(n);
    g[0] = 1;
    g[n - 1] = -1; // lives in the second chunk
    p.grad = tensor(g, [n]);
    q.grad = tensor([1, 1, 1]);
    opt.step();
    // First step with bias correction: update = g/(|g| + eps) → ±1 (0 where g = 0).
    const w = await p.data();
    expect(w[0]).toBeCloseTo(0.9, 5);
    expect(w[1]).toBe(1);
    expect(w[n - 1]).toBeCloseTo(1.1, 5);
    expect(Array.from(await q.data()).map((x) => Number(x.toFixed(5)))).toEqual([1.9, 1.9, 1.9]);
    expect(await opt.lastGradNorm()).toBeCloseTo(Math.sqrt(5), 4);
    opt.zeroGrad();
    opt.dispose();
    p.dispose();
    q.dispose();
  });

  test('an optimiser step allocates nothing after the first', async () => {
    const p = parameter(tensor(new Float32Array(1000).fill(1), [10, 100]));
    const opt = new AdamW([['w', p]], { lr: 1e-3, maxGradNorm: 1, noDecay: () => false });
    const before: number[] = [];
    for (let i = 0; i < 5; i++) {
      p.grad = tensor(new Float32Array(1000).fill(0.5), [10, 100]);
      opt.step();
      opt.zeroGrad();
      await p.data();
      before.push(memory().liveBuffers);
    }
    expect(new Set(before.slice(1)).size).toBe(1);
    opt.dispose();
    p.dispose();
  });
});
