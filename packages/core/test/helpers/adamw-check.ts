/**
 * AdamW against a float64 reference, as a plain async check that throws on a
 * mismatch (no vitest), so the same check runs in the Node suite and in the
 * device op runner (test/device/ops-runner.ts) on GPUs without npm.
 */
import { AdamW, parameter, scope, tensor, type Tensor } from '@bamgpu/core';
import { expectClose, seeded } from './check.js';

/** Float64 AdamW exactly as AdamW.step documents it. */
export function adamwRef(
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

function expectEqual(got: number, want: number, what: string): void {
  if (got !== want) throw new Error(`${what}: got ${got}, expected ${want}`);
}

/** The AdamW configurations the check covers: bias correction on/off × clipping off/on. */
export const ADAMW_CASES = [true, false].flatMap((biasCorrection) => [0, 0.5].map((maxGradNorm) => ({ biasCorrection, maxGradNorm })));

export function adamwCaseLabel(c: (typeof ADAMW_CASES)[number]): string {
  return `3 steps, bias correction ${c.biasCorrection}, clip ${c.maxGradNorm || 'off'}, decay exclusions, lr multipliers, a param without grad`;
}

/**
 * Three fused AdamW steps on four parameters (sizes straddle the 64-element
 * arena alignment), with weight-decay exclusions, per-parameter lr
 * multipliers and one parameter without a gradient on step 2, against
 * adamwRef: weights, the reported gradient norm, step counts and moments.
 */
export async function checkAdamW({ biasCorrection, maxGradNorm }: { biasCorrection: boolean; maxGradNorm: number }): Promise<void> {
  await scope(async () => {
    const rnd = seeded(42);
    const spec = [
      { name: 'layer.0.dense.weight', shape: [5, 13] },
      { name: 'layer.0.dense.bias', shape: [5] },
      { name: 'layer.0.LayerNorm.weight', shape: [64] },
      { name: 'head.weight', shape: [130] },
    ];
    const init = spec.map((s) => rand(s.shape.reduce((a, b) => a * b, 1), rnd));
    const ps: [string, Tensor][] = spec.map((s, i) => [s.name, parameter(tensor(Float32Array.from(init[i]), s.shape))]);
    const mult = (n: string) => (n.startsWith('head') ? 1 : 0.9);
    const opt = new AdamW(ps, { lr: 0.01, weightDecay: 0.1, biasCorrection, maxGradNorm, lrMultiplier: mult, noDecay: (n) => /bias|LayerNorm/.test(n) });
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
      expectClose([await opt.lastGradNorm()], [norm], 1e-5, `gradient norm at step ${step + 1}`);
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
    expectEqual(state.steps['head.weight'], 2, 'steps of head.weight');
    expectEqual(state.steps['layer.0.dense.weight'], 3, 'steps of layer.0.dense.weight');
    expectClose(state.m.get('layer.0.dense.bias')!, m[1], 1e-5, 'm of dense.bias', 1e-8);
    opt.dispose();
    for (const [, p] of ps) p.dispose();
  });
}
