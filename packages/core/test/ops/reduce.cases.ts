import * as bg from '@bamgpu/core';
import type { OpCase } from '../helpers/check.js';
import { mapN, reduceAxes, sumOf, type Nd } from '../helpers/nd.js';

const variants = bg.pinnedValues('reduce');

const axesCases: { shape: number[]; dims?: number[]; keepdim?: boolean; grad?: boolean }[] = [
  { shape: [5, 7], dims: [1] },
  { shape: [5, 7], dims: [0], keepdim: true },
  { shape: [2, 3, 4], dims: [0, 2] },
  { shape: [3, 1, 6], dims: [1] },
  { shape: [4, 5] },
  { shape: [3, 300], dims: [1], grad: false },
  { shape: [70001], grad: false },
  { shape: [257, 3], dims: [0], grad: false },
  // Column sums whose kept row is divisible by 4: the thread variant's vec4 form.
  { shape: [7, 12], dims: [0] },
  { shape: [3, 2, 8], dims: [0, 1], keepdim: true },
  { shape: [130, 16], dims: [0], grad: false },
];

const allAxes = (x: Nd, dims?: number[]) => dims ?? x.shape.map((_, i) => i);

export const reduceCases: OpCase[] = variants.flatMap((variant) =>
  axesCases.flatMap(({ shape, dims, keepdim, grad }) => {
    const tag = `${JSON.stringify(shape)} dims=${dims ? JSON.stringify(dims) : 'all'}${keepdim ? ' keepdim' : ''} ${variant}`;
    const opts = { keepdim };
    const big = grad === false;
    const cases: OpCase[] = [
      {
        ops: ['sum'],
        label: `sum ${tag}`,
        inputs: [{ shape }],
        run: (x) => bg.sum(x, dims, opts),
        ref: (x) => reduceAxes(x, allAxes(x, dims), sumOf, keepdim),
        rtol: 1e-4,
        noGrad: big,
      },
      {
        ops: ['mean'],
        label: `mean ${tag}`,
        inputs: [{ shape }],
        run: (x) => bg.mean(x, dims, opts),
        ref: (x) => reduceAxes(x, allAxes(x, dims), (v) => sumOf(v) / v.length, keepdim),
        rtol: 1e-4,
        noGrad: big,
      },
      {
        ops: ['max'],
        label: `max ${tag}`,
        inputs: [{ shape }],
        run: (x) => bg.max(x, dims, opts),
        ref: (x) => reduceAxes(x, allAxes(x, dims), (v) => Math.max(...v), keepdim),
        noGrad: big,
      },
      {
        ops: ['min'],
        label: `min ${tag}`,
        inputs: [{ shape }],
        run: (x) => bg.min(x, dims, opts),
        ref: (x) => reduceAxes(x, allAxes(x, dims), (v) => v.reduce((a, b) => Math.min(a, b), Infinity), keepdim),
        noGrad: big,
      },
    ];
    if (dims && dims.length === 1) {
      const argRef = (pick: (v: number[]) => number) => (x: Nd) => reduceAxes(x, dims, (v) => v.indexOf(pick(v)), keepdim);
      cases.push(
        {
          ops: ['argmax'],
          label: `argmax ${tag}`,
          inputs: [{ shape }],
          run: (x) => bg.argmax(x, dims[0], opts).cast('float32'),
          ref: argRef((v) => Math.max(...v)),
          noGrad: true,
        },
        {
          ops: ['argmin'],
          label: `argmin ${tag}`,
          inputs: [{ shape }],
          run: (x) => bg.argmin(x, dims[0], opts).cast('float32'),
          ref: argRef((v) => v.reduce((a, b) => Math.min(a, b), Infinity)),
          noGrad: true,
        },
      );
    }
    return cases.map((c): OpCase => ({ ...c, profile: { reduce: variant } }));
  }),
).concat([
  {
    ops: ['argmax'],
    label: 'argmax picks the first of tied maxima (both variants)',
    inputs: [{ shape: [2, 600], data: Array.from({ length: 1200 }, (_, i) => (i % 600 === 17 || i % 600 === 400 || i % 600 === 599 ? 5 : (i % 7) - 3)) }],
    run: (x) => bg.concat(variants.map((reduce) => bg.getDefaultRuntime().withProfile({ reduce }, () => bg.argmax(x, 1)))).cast('float32'),
    ref: () => ({ shape: [4], data: Float64Array.from([17, 17, 17, 17]) }),
    noGrad: true,
  },
  {
    ops: ['sum'],
    label: 'sum of int32',
    inputs: [{ shape: [3, 5], dtype: 'int32', range: [-50, 50] }],
    run: (x) => bg.sum(x, 1).cast('float32'),
    ref: (x) => reduceAxes(x, [1], sumOf),
    noGrad: true,
  },
  {
    ops: ['sum'],
    label: 'sum of 1e5 values stays accurate (Kahan / tree)',
    inputs: [{ shape: [100000], range: [0, 1] }],
    run: (x) => bg.concat(variants.map((reduce) => bg.getDefaultRuntime().withProfile({ reduce }, () => bg.sum(x).reshape([1])))),
    ref: (x) => mapN([reduceAxes(x, [0], sumOf, true), { shape: [2], data: new Float64Array(2) }], (a) => a),
    rtol: 1e-5,
    noGrad: true,
  },
  // Column sums with the profile's vec4 entry pinned both ways (auto: vec4 on CPU adapters only).
  ...bg.pinnedValues('vec4').map((vec4): OpCase => ({
    ops: ['sum'],
    label: `sum [7,12] dims=[0] vec4 ${vec4}`,
    inputs: [{ shape: [7, 12] }],
    run: (x) => bg.sum(x, [0]),
    ref: (x) => reduceAxes(x, [0], sumOf),
    rtol: 1e-4,
    profile: { vec4 },
  })),
]);
