/**
 * End-to-end: small models train on the GPU (loss falls), and the memory a
 * training loop holds is the same after step 20 as after step 200.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  AdamW, Dropout, LayerNorm, Linear, Module, attention, crossEntropy, getDefaultRuntime, manualSeed, memory, randn, scope, tensor, type Tensor,
} from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { seeded } from './helpers/check.js';

/** The decay exclusions core's AdamW defaulted to before callers passed their own (biases and LayerNorm weights). */
const BIAS_AND_NORM_NO_DECAY = (name: string) =>
  /(^|\.)(bias|LayerNorm\.weight|LayerNorm\.bias|layer_norm\.weight|layer_norm\.bias)$/.test(name) || /LayerNorm|layer_norm/.test(name);

beforeAll(async () => {
  await initNode();
  manualSeed(1);
});

class MLP extends Module {
  fc1: Linear;
  fc2: Linear;
  constructor(inDim: number, hidden: number, classes: number) {
    super();
    this.fc1 = new Linear(inDim, hidden);
    this.fc2 = new Linear(hidden, classes);
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).relu());
  }
}

/** A post-LN transformer encoder block (BERT's layout) with a mean-pooled classifier. */
class Block extends Module {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
  ln1: LayerNorm;
  ff1: Linear;
  ff2: Linear;
  ln2: LayerNorm;
  drop: Dropout;
  head: Linear;
  constructor(readonly dim: number, readonly heads: number, classes: number) {
    super();
    this.q = new Linear(dim, dim);
    this.k = new Linear(dim, dim);
    this.v = new Linear(dim, dim);
    this.o = new Linear(dim, dim);
    this.ln1 = new LayerNorm(dim);
    this.ff1 = new Linear(dim, 2 * dim);
    this.ff2 = new Linear(2 * dim, dim);
    this.ln2 = new LayerNorm(dim);
    this.drop = new Dropout(0.1);
    this.head = new Linear(dim, classes);
  }
  split(x: Tensor, b: number, t: number): Tensor {
    return x.reshape([b, t, this.heads, this.dim / this.heads]).permute([0, 2, 1, 3]);
  }
  forward(x: Tensor, mask: Tensor): Tensor {
    const [b, t] = x.shape;
    const ctx = attention(this.split(this.q.forward(x), b, t), this.split(this.k.forward(x), b, t), this.split(this.v.forward(x), b, t), { keyMask: mask });
    const merged = ctx.permute([0, 2, 1, 3]).reshape([b, t, this.dim]);
    const h = this.ln1.forward(x.add(this.drop.forward(this.o.forward(merged))));
    const f = this.ff2.forward(this.ff1.forward(h).gelu());
    const y = this.ln2.forward(h.add(this.drop.forward(f)));
    return this.head.forward(y.mean(1));
  }
}

describe('training on the GPU', () => {
  test('a 2-layer MLP learns a nonlinear rule, loss falls steadily', async () => {
    const rnd = seeded(3);
    const n = 64;
    const xs = Float32Array.from({ length: n * 2 }, () => rnd() * 2 - 1);
    // XOR-like: class 1 where the signs of the two coordinates differ.
    const ys = Int32Array.from({ length: n }, (_, i) => (xs[2 * i] * xs[2 * i + 1] < 0 ? 1 : 0));
    const model = new MLP(2, 32, 2);
    const opt = new AdamW(model.namedParameters(), { lr: 0.03, weightDecay: 0, noDecay: () => false });
    const x = tensor(xs, [n, 2]);
    const y = tensor(ys, [n]);
    const losses: number[] = [];
    for (let step = 0; step < 150; step++) {
      const loss = scope(() => {
        const l = crossEntropy(model.forward(x), y);
        l.backward();
        opt.step();
        opt.zeroGrad();
        return l;
      });
      if (step % 10 === 0 || step === 149) losses.push(await loss.item());
      loss.dispose();
    }
    console.log('MLP loss every 10 steps:', losses.map((l) => l.toFixed(3)).join(' '));
    expect(losses[losses.length - 1]).toBeLessThan(0.25 * losses[0]);
    // Steadily: each 50-step window ends lower than the previous one.
    expect(losses[5]).toBeLessThan(losses[0]);
    expect(losses[10]).toBeLessThan(losses[5]);
    expect(losses[15]).toBeLessThan(losses[10]);
    x.dispose();
    y.dispose();
    opt.dispose();
    model.dispose();
  });

  test('a transformer block trains, and memory and bind groups after step 20 equal those after step 200', async () => {
    const rnd = seeded(5);
    const [b, t, dim, vocab] = [8, 6, 16, 10];
    // Task: is token 3 present among the unmasked positions?
    const tokens = Int32Array.from({ length: b * t }, () => Math.floor(rnd() * vocab));
    const lengths = Array.from({ length: b }, (_, i) => 3 + (i % 4));
    const maskData = Int32Array.from({ length: b * t }, (_, i) => (i % t < lengths[Math.floor(i / t)] ? 1 : 0));
    const labels = Int32Array.from({ length: b }, (_, i) => (Array.from(tokens.slice(i * t, i * t + lengths[i])).includes(3) ? 1 : 0));
    const embed = randn([vocab, dim], { std: 1 });
    const ids = tensor(tokens, [b * t]);
    const xData = embed.indexSelect(0, ids).reshape([b, t, dim]);
    const mask = tensor(maskData, [b, t]);
    const y = tensor(labels, [b]);
    const model = new Block(dim, 4, 2);
    const opt = new AdamW(model.namedParameters(), { lr: 3e-3, maxGradNorm: 1, noDecay: BIAS_AND_NORM_NO_DECAY });
    const losses: number[] = [];
    let memAt20 = memory();
    let bindGroupsAt20 = getDefaultRuntime().bindGroupStats();
    for (let step = 1; step <= 200; step++) {
      const loss = scope(() => {
        const l = crossEntropy(model.forward(xData, mask), y);
        l.backward();
        opt.step();
        opt.zeroGrad();
        return l;
      });
      if (step === 1 || step % 20 === 0) losses.push(await loss.item());
      loss.dispose();
      if (step === 20) {
        memAt20 = memory();
        bindGroupsAt20 = getDefaultRuntime().bindGroupStats();
      }
    }
    const memAt200 = memory();
    const bindGroupsAt200 = getDefaultRuntime().bindGroupStats();
    console.log('block loss at step 1, then every 20 steps:', losses.map((l) => l.toFixed(3)).join(' '));
    console.log('memory at step 20:', memAt20, 'at step 200:', memAt200);
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    expect(memAt200.liveTensors).toBe(memAt20.liveTensors);
    expect(memAt200.liveBuffers).toBe(memAt20.liveBuffers);
    expect(memAt200.liveBytes).toBe(memAt20.liveBytes);
    expect(memAt200.pooledBytes).toBe(memAt20.pooledBytes);
    // Steps 21–200 reuse the bind groups the first steps made (runtime/bind-groups.ts): the pool hands
    // each step the buffers the step before had, so none is created after warm-up.
    expect(bindGroupsAt200.misses).toBe(bindGroupsAt20.misses);
    expect(bindGroupsAt200.hits - bindGroupsAt20.hits).toBeGreaterThan(180 * 10);
    for (const t0 of [embed, ids, xData, mask, y]) t0.dispose();
    opt.dispose();
    model.dispose();
  });
});
