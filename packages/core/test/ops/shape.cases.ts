import * as bg from '@bamgpu/core';
import type { OpCase } from '../helpers/check.js';
import { concatRef, mapN, nd, permuteRef, sliceRef } from '../helpers/nd.js';

export const shapeCases: OpCase[] = [
  {
    ops: ['reshape'],
    label: 'reshape with -1',
    inputs: [{ shape: [2, 3, 4] }],
    run: (x) => bg.reshape(x, [4, -1]).mul(1),
    ref: (x) => nd([4, 6], x.data),
  },
  {
    ops: ['expand'],
    label: 'expand [3,1]→[2,3,5]',
    inputs: [{ shape: [3, 1] }],
    run: (x) => bg.expand(x, [2, 3, 5]),
    ref: (x) => mapN([x, nd([2, 3, 5], new Float64Array(30))], (a) => a),
  },
  {
    ops: ['permute'],
    label: 'permute [2,3,4,5] (3,1,0,2)',
    inputs: [{ shape: [2, 3, 4, 5] }],
    run: (x) => bg.permute(x, [3, 1, 0, 2]),
    ref: (x) => permuteRef(x, [3, 1, 0, 2]),
  },
  {
    ops: ['permute'],
    label: 'transpose of [65,67]',
    inputs: [{ shape: [65, 67] }],
    run: (x) => bg.transpose(x),
    ref: (x) => permuteRef(x, [1, 0]),
    noGrad: true,
  },
  {
    ops: ['slice'],
    label: 'slice with negative start and clamped end',
    inputs: [{ shape: [4, 6, 3] }],
    run: (x) => bg.slice(x, [1, -4], [3, 100]),
    ref: (x) => sliceRef(x, [1, 2, 0], [2, 4, 3]),
  },
  {
    ops: ['slice'],
    label: 'narrow last dim',
    inputs: [{ shape: [3, 7] }],
    run: (x) => bg.narrow(x, 1, 2, 3),
    ref: (x) => sliceRef(x, [0, 2], [3, 3]),
  },
  {
    ops: ['concat'],
    label: 'concat dim 1 of three',
    inputs: [{ shape: [2, 1, 3] }, { shape: [2, 4, 3] }, { shape: [2, 2, 3] }],
    run: (a, b, c) => bg.concat([a, b, c], 1),
    ref: (a, b, c) => concatRef([a, b, c], 1),
  },
  {
    ops: ['concat'],
    label: 'stack dim 0',
    inputs: [{ shape: [3] }, { shape: [3] }],
    run: (a, b) => bg.stack([a, b], 0),
    ref: (a, b) => concatRef([nd([1, 3], a.data), nd([1, 3], b.data)], 0),
  },
  {
    ops: ['clone'],
    label: 'clone',
    inputs: [{ shape: [5, 2] }],
    run: (x) => bg.clone(x),
    ref: (x) => nd(x.shape, x.data),
  },
];
