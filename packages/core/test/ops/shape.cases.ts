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
  // The attention head split: the inner dim stays contiguous, so the copy moves vec4s.
  {
    ops: ['permute'],
    label: 'permute [2,3,5,8] (0,2,1,3) (vec4 copy)',
    inputs: [{ shape: [2, 3, 5, 8] }],
    run: (x) => bg.permute(x, [0, 2, 1, 3]),
    ref: (x) => permuteRef(x, [0, 2, 1, 3]),
  },
  // Slices whose start is (4) and is not (1) a multiple of 4: vec4 and scalar copies.
  {
    ops: ['slice'],
    label: 'slice [6,16] columns 4…12 (vec4 copy)',
    inputs: [{ shape: [6, 16] }],
    run: (x) => bg.slice(x, [1, 4], [5, 12]),
    ref: (x) => sliceRef(x, [1, 4], [4, 8]),
  },
  {
    ops: ['slice'],
    label: 'slice [6,16] columns 1…9 (scalar copy)',
    inputs: [{ shape: [6, 16] }],
    run: (x) => bg.slice(x, [1, 1], [5, 9]),
    ref: (x) => sliceRef(x, [1, 1], [4, 8]),
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
  // The vec4 copies with the profile's vec4 entry pinned both ways, so both layouts run on every adapter.
  ...bg.pinnedValues('vec4').flatMap((vec4): OpCase[] => [
    { ops: ['permute'], label: `permute [2,3,5,8] (0,2,1,3) vec4 ${vec4}`, inputs: [{ shape: [2, 3, 5, 8] }], run: (x) => bg.permute(x, [0, 2, 1, 3]), ref: (x) => permuteRef(x, [0, 2, 1, 3]), profile: { vec4 } },
    { ops: ['slice'], label: `slice [6,16] columns 4…12 vec4 ${vec4}`, inputs: [{ shape: [6, 16] }], run: (x) => bg.slice(x, [1, 4], [5, 12]), ref: (x) => sliceRef(x, [1, 4], [4, 8]), profile: { vec4 } },
  ]),
];
