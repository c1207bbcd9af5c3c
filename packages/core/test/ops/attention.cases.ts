/**
 * attention, every implementation and fused variant forced in turn, against
 * one float64 reference (forward) and its finite differences (backward).
 * Shapes are chosen off the kernels' grid: T not a multiple of the tile or
 * the lanes per workgroup, Tq ≠ Tk, odd head dims, padded keys, dropout.
 */
import * as bg from '@bamgpu/core';
import { Generator, rngU01 } from '../../src/random/generator.js';
import type { OpCase } from '../helpers/check.js';
import { nd, type Nd } from '../helpers/nd.js';

interface RefOptions {
  mask?: Nd | null;
  /** Dropout probability and the seed of the generator the op was given. */
  drop?: { p: number; seed: number };
  scale?: number;
}

/**
 * softmax(q·kᵀ·scale + bias)·v in float64, with the dropout mask the engine's
 * counter RNG gives element ((b·H+h)·Tq+i)·Tk+j of the probabilities.
 */
export function attentionRef(q: Nd, k: Nd, v: Nd, o: RefOptions = {}): Nd {
  const [b, h, tq, d] = q.shape;
  const tk = k.shape[2];
  const dv = v.shape[3];
  const scale = o.scale ?? 1 / Math.sqrt(d);
  const key = o.drop ? new Generator(o.drop.seed).nextKey() : null;
  const pKeep = o.drop ? Math.fround(o.drop.p) : 0;
  const dscale = o.drop ? Math.fround(1 / (1 - o.drop.p)) : 1;
  const out = new Float64Array(b * h * tq * dv);
  const s = new Float64Array(tk);
  for (let bh = 0; bh < b * h; bh++) {
    const bi = Math.floor(bh / h);
    for (let i = 0; i < tq; i++) {
      const qo = (bh * tq + i) * d;
      let m = -Infinity;
      for (let j = 0; j < tk; j++) {
        const ko = (bh * tk + j) * d;
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q.data[qo + c] * k.data[ko + c];
        s[j] = dot * scale + (o.mask && o.mask.data[bi * tk + j] === 0 ? -1e30 : 0);
        m = Math.max(m, s[j]);
      }
      let sum = 0;
      for (let j = 0; j < tk; j++) sum += (s[j] = Math.exp(s[j] - m));
      const oo = (bh * tq + i) * dv;
      for (let j = 0; j < tk; j++) {
        let p = s[j] / sum;
        if (key) p = rngU01(key[0], key[1], (bh * tq + i) * tk + j) >= pKeep ? p * dscale : 0;
        const vo = (bh * tk + j) * dv;
        for (let c = 0; c < dv; c++) out[oo + c] += p * v.data[vo + c];
      }
    }
  }
  return nd([b, h, tq, dv], out);
}

/** A pinned implementation (and fused layout); the subgroup layout needs the adapter's subgroups (skipped, listed, where it lacks them). */
type Impl = { label: string; pin: Pick<OpCase, 'profile' | 'requires'> };

const IMPLS: Impl[] = [
  { label: 'composed', pin: { profile: { attention: 'composed' } } },
  ...bg.pinnedValues('attentionKernel').map((attentionKernel): Impl => ({
    label: `fused ${attentionKernel}`,
    pin: { profile: { attention: 'fused', attentionKernel }, ...(attentionKernel === 'subgroup' ? { requires: ['subgroups'] as const } : {}) },
  })),
];

/** Key mask [b, tk] whose row r has its last `pad[r]` keys padded. */
function padMask(tk: number, pad: number[]): number[] {
  return pad.flatMap((n) => Array.from({ length: tk }, (_, j) => (j < tk - n ? 1 : 0)));
}

function casesFor({ label, pin }: Impl): OpCase[] {
  const cases: OpCase[] = [
    {
      ops: ['attention'],
      label: `attention (${label}) with key padding mask, Tq ≠ Tk`,
      inputs: [{ shape: [2, 2, 3, 4] }, { shape: [2, 2, 5, 4] }, { shape: [2, 2, 5, 4] }, { shape: [2, 5], dtype: 'int32', data: padMask(5, [0, 3]) }],
      run: (q, k, v, m) => bg.attention(q, k, v, { keyMask: m }),
      ref: (q, k, v, m) => attentionRef(q, k, v, { mask: m }),
      rtol: 1e-4,
    },
    {
      ops: ['attention'],
      label: `attention (${label}) T=37 past the tiles, odd head dim 12`,
      inputs: [{ shape: [1, 2, 37, 12] }, { shape: [1, 2, 37, 12] }, { shape: [1, 2, 37, 12] }],
      run: (q, k, v) => bg.attention(q, k, v),
      ref: (q, k, v) => attentionRef(q, k, v),
      rtol: 1e-4,
    },
    {
      ops: ['attention'],
      label: `attention (${label}) head dim 36, Tq=67 > Tk=9 (two workgroups of queries), float mask, scale 0.3`,
      inputs: [{ shape: [1, 1, 67, 36], range: [-1, 1] }, { shape: [1, 1, 9, 36], range: [-1, 1] }, { shape: [1, 1, 9, 36] }, { shape: [1, 9], data: padMask(9, [2]), grad: false }],
      run: (q, k, v, m) => bg.attention(q, k, v, { keyMask: m, scale: 0.3 }),
      ref: (q, k, v, m) => attentionRef(q, k, v, { mask: m, scale: 0.3 }),
      rtol: 1e-4,
    },
    {
      ops: ['attention'],
      label: `attention (${label}) dropout 0.3 with mask: the counter-RNG mask, same in backward`,
      inputs: [{ shape: [2, 3, 9, 12] }, { shape: [2, 3, 21, 12] }, { shape: [2, 3, 21, 12] }, { shape: [2, 21], dtype: 'int32', data: padMask(21, [4, 0]) }],
      run: (q, k, v, m) => bg.attention(q, k, v, { keyMask: m, dropout: 0.3, generator: new Generator(77) }),
      ref: (q, k, v, m) => attentionRef(q, k, v, { mask: m, drop: { p: 0.3, seed: 77 } }),
      rtol: 1e-4,
    },
  ];
  return cases.map((c) => ({ ...c, ...pin }));
}

export const attentionCases: OpCase[] = [
  ...IMPLS.flatMap(casesFor),
  {
    ops: ['attention'],
    label: 'attention (default impl) BERT head dim 64',
    inputs: [{ shape: [1, 1, 16, 64], range: [-1, 1] }, { shape: [1, 1, 16, 64], range: [-1, 1] }, { shape: [1, 1, 16, 64] }],
    run: (q, k, v) => bg.attention(q, k, v),
    ref: (q, k, v) => attentionRef(q, k, v),
    rtol: 1e-4,
  },
];
