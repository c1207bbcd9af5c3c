import { beforeAll, describe, expect, test } from 'vitest';
import { AdamW, clipGradNorm, linearWarmupDecay, layerwiseMultiplier, memory, parameter, scope, tensor, type Tensor } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { expectClose, seeded } from './helpers/check.js';

beforeAll(async () => {
  await initNode();
});

/** Float64 AdamW exactly as AdamW.step documents it. */
function adamwRef(
  w: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, t: number,
  o: { lr: number; b1: number; b2: number; eps: number; wd: number; bias: boolean; mult: number; clip: number },
): void {
  const bc1 = o.bias ? 1 / (1 - o.b1 ** t) : 1;
  const bc2 = o.bias ? 1 / (1 - o.b2 ** t) : 1;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i] * o.clip;
    m[i] = o.b1 * m[i] + (1 - o.b1) * gi;
    v[i] = o.b2 * v[i] + (1 - o.b2) * gi * gi;
    const upd = (m[i] * bc1) / (Math.sqrt(v[i] * bc2) + o.eps) + o.wd * w[i];
    w[i] -= o.lr * o.mult * upd;
  }
}

const rand = (n: number, rnd: () => number) => Float64Array.from({ length: n }, () => Math.fround(rnd() * 2 - 1));

describe('AdamW (fused) against a float64 reference', () => {
  for (const biasCorrection of [true, false]) {
    for (const maxGradNorm of [0, 0.5]) {
      test(`3 steps, bias correction ${biasCorrection}, clip ${maxGradNorm || 'off'}, decay exclusions, lr multipliers, a param without grad`, async () => {
        await scope(async () => {
          const rnd = seeded(42);
          // Sizes straddle the 64-element arena alignment.
          const spec = [
            { name: 'layer.0.dense.weight', shape: [5, 13] },
            { name: 'layer.0.dense.bias', shape: [5] },
            { name: 'layer.0.LayerNorm.weight', shape: [64] },
            { name: 'head.weight', shape: [130] },
          ];
          const init = spec.map((s) => rand(s.shape.reduce((a, b) => a * b, 1), rnd));
          const ps: [string, Tensor][] = spec.map((s, i) => [s.name, parameter(tensor(Float32Array.from(init[i]), s.shape))]);
          const mult = (n: string) => (n.startsWith('head') ? 1 : 0.9);
          const opt = new AdamW(ps, { lr: 0.01, weightDecay: 0.1, biasCorrection, maxGradNorm, lrMultiplier: mult });
          const w = init.map((a) => Float64Array.from(a));
          const m = init.map((a) => new Float64Array(a.length));
          const v = init.map((a) => new Float64Array(a.length));
          const steps = init.map(() => 0);
          for (let step = 0; step < 3; step++) {
            const lr = 0.01 * (1 - step / 10);
            // The head gets no gradient on step 1: it must be left untouched.
            const grads = init.map((a, i) => (i === 3 && step === 1 ? null : rand(a.length, rnd).map((x) => x * 3)));
            ps.forEach(([, p], i) => {
              const g = grads[i];
              p.grad = g ? tensor(Float32Array.from(g), p.shape) : null;
            });
            opt.step(lr);
            let sq = 0;
            grads.forEach((g) => g?.forEach((x) => (sq += x * x)));
            const norm = Math.sqrt(sq);
            const clip = maxGradNorm > 0 ? Math.min(1, maxGradNorm / (norm + 1e-6)) : 1;
            expect(await opt.lastGradNorm()).toBeCloseTo(norm, 4);
            grads.forEach((g, i) => {
              if (!g) return;
              steps[i]++;
              adamwRef(w[i], g, m[i], v[i], steps[i], {
                lr, b1: 0.9, b2: 0.999, eps: 1e-6, wd: /bias|LayerNorm/.test(spec[i].name) ? 0 : 0.1, bias: biasCorrection, mult: mult(spec[i].name), clip,
              });
            });
            opt.zeroGrad();
          }
          // Weights are O(1) and f32 keeps ~7 digits, so compare to 1e-5 relative
          // with an absolute floor at f32 resolution of the weights' scale.
          for (let i = 0; i < ps.length; i++) expectClose(await ps[i][1].data(), w[i], 1e-5, `${spec[i].name} after 3 steps`, 1e-6);
          const state = await opt.stateDict();
          expect(state.steps['head.weight']).toBe(2);
          expect(state.steps['layer.0.dense.weight']).toBe(3);
          expectClose(state.m.get('layer.0.dense.bias')!, m[1], 1e-5, 'm of dense.bias', 1e-8);
          opt.dispose();
          for (const [, p] of ps) p.dispose();
        });
      });
    }
  }

  test('state round-trips through stateDict/loadStateDict and continues identically', async () => {
    await scope(async () => {
      const mk = () => parameter(tensor([0.5, -0.25, 1, 2, -3], [5]));
      const a = mk();
      const b = mk();
      const optA = new AdamW([['w', a]], { lr: 0.1 });
      const optB = new AdamW([['w', b]], { lr: 0.1 });
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
    const opt = new AdamW([['big.weight', p], ['small.weight', q]], { lr: 0.1, weightDecay: 0, biasCorrection: true, maxGradNorm: 0 });
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
    const opt = new AdamW([['w', p]], { lr: 1e-3, maxGradNorm: 1 });
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
