import * as bg from '@bamgpu/core';
import type { OpCase } from '../helpers/check.js';
import { matmulRef } from '../helpers/nd.js';

const variants = ['tiled', 'blocked'] as const;

interface MM {
  a: number[];
  b: number[];
  transA?: boolean;
  transB?: boolean;
  grad?: boolean;
}

const shapes: MM[] = [
  { a: [3, 5], b: [5, 4] },
  { a: [1, 7], b: [7, 1] },
  { a: [5, 3], b: [5, 4], transA: true },
  { a: [3, 5], b: [4, 5], transB: true },
  { a: [5, 3], b: [4, 5], transA: true, transB: true },
  { a: [2, 3, 5], b: [2, 5, 6] },
  { a: [2, 3, 5], b: [5, 6] },
  { a: [4, 5], b: [3, 5, 2] },
  { a: [2, 1, 3, 4], b: [1, 3, 4, 2] },
  // Not multiples of the 64×64 / 32×32 tiles, K not a multiple of 16.
  { a: [65, 33], b: [33, 67], grad: false },
  { a: [130, 17], b: [70, 17], transB: true, grad: false },
  { a: [40, 129], b: [40, 3], transA: true, grad: false },
  { a: [3, 70, 20], b: [3, 20, 66], grad: false },
];

export const matmulCases: OpCase[] = variants.flatMap((variant) =>
  shapes.map(
    (s): OpCase => ({
      ops: ['matmul'],
      label: `matmul ${variant} ${JSON.stringify(s.a)}${s.transA ? 'ᵀ' : ''}·${JSON.stringify(s.b)}${s.transB ? 'ᵀ' : ''}`,
      inputs: [{ shape: s.a }, { shape: s.b }],
      run: (a, b) => bg.matmul(a, b, { transA: s.transA, transB: s.transB, variant }),
      ref: (a, b) => matmulRef(a, b, s.transA, s.transB),
      rtol: 1e-4,
      noGrad: s.grad === false,
    }),
  ),
);
