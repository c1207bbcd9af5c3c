import * as bg from '@bamgpu/core';
import type { OpCase } from '../helpers/check.js';
import { geluRef, mapN } from '../helpers/nd.js';

const unary: [string, (x: bg.Tensor) => bg.Tensor, (v: number) => number, [number, number]?][] = [
  ['neg', bg.neg, (v) => -v],
  ['abs', bg.abs, Math.abs],
  ['exp', bg.exp, Math.exp],
  ['log', bg.log, Math.log, [0.1, 4]],
  ['sqrt', bg.sqrt, Math.sqrt, [0.1, 4]],
  ['rsqrt', bg.rsqrt, (v) => 1 / Math.sqrt(v), [0.1, 4]],
  ['square', bg.square, (v) => v * v],
  ['reciprocal', bg.reciprocal, (v) => 1 / v, [0.5, 3]],
  ['tanh', bg.tanh, Math.tanh, [-6, 6]],
  ['sigmoid', bg.sigmoid, (v) => 1 / (1 + Math.exp(-v)), [-8, 8]],
  ['relu', bg.relu, (v) => Math.max(v, 0)],
  ['gelu', bg.gelu, geluRef, [-6, 6]],
  ['sin', bg.sin, Math.sin],
  ['cos', bg.cos, Math.cos],
];

const shapes = [[7], [3, 1, 5], [257], [2, 3, 4, 5]];

export const elementwiseCases: OpCase[] = [
  ...unary.flatMap(([name, fn, f, range]) =>
    shapes.map((shape) => ({
      ops: [name],
      label: `${name} ${JSON.stringify(shape)}`,
      inputs: [{ shape, range }],
      run: fn,
      ref: (x) => mapN([x], f),
      // WGSL bounds sin/cos only absolutely (2^-11 ≈ 4.9e-4 on [−π, π]).
      atol: name === 'sin' || name === 'cos' ? 4.9e-4 : undefined,
      gradTol: name === 'sin' || name === 'cos' ? 1e-3 : undefined,
      noGrad: shape.length === 1 && shape[0] > 100,
    })),
  ),
  // tanh and gelu accuracy across their whole range, incl. tails and near 0.
  {
    ops: ['tanh'],
    label: 'tanh small and large',
    inputs: [{ shape: [8], data: [-30, -3, -0.2, -1e-4, 1e-6, 0.05, 0.124, 20] }],
    run: bg.tanh,
    ref: (x) => mapN([x], Math.tanh),
    noGrad: true,
  },
  {
    ops: ['gelu'],
    label: 'gelu tails',
    inputs: [{ shape: [8], data: [-12, -7, -4.5, -1e-3, 1e-3, 2.5, 5, 9] }],
    run: bg.gelu,
    ref: (x) => mapN([x], geluRef),
    noGrad: true,
  },
  ...(['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const).flatMap((name) => {
    const fn = bg[name] as (a: bg.Tensor | number, b: bg.Tensor | number) => bg.Tensor;
    const f = { add: (a: number, b: number) => a + b, sub: (a: number, b: number) => a - b, mul: (a: number, b: number) => a * b, div: (a: number, b: number) => a / b, maximum: Math.max, minimum: Math.min }[name];
    const bRange: [number, number] | undefined = name === 'div' ? [0.5, 3] : undefined;
    const pairs: [number[], number[]][] = [
      [[5], [5]],
      [[4, 3], [3]],
      [[2, 1, 4], [3, 1]],
      [[1], [2, 3]],
      [[3, 1, 1, 5], [1, 2, 3, 1]],
      // vec4 forms: b broadcast over rows (read as vec4), b broadcast along the row (one value splat).
      [[3, 8], [8]],
      [[2, 12], [2, 1]],
    ];
    const cases: OpCase[] = pairs.map(([sa, sb]) => ({
      ops: [name],
      label: `${name} ${JSON.stringify(sa)}∘${JSON.stringify(sb)}`,
      inputs: [{ shape: sa }, { shape: sb, range: bRange }],
      run: (a, b) => fn(a, b),
      ref: (a, b) => mapN([a, b], f),
    }));
    cases.push({
      ops: [name],
      label: `${name} tensor∘1.5`,
      inputs: [{ shape: [2, 3] }],
      run: (a) => fn(a, 1.5),
      ref: (a) => mapN([a], (v) => f(v, Math.fround(1.5))),
    });
    cases.push({
      ops: [name],
      label: `${name} 1.5∘tensor`,
      inputs: [{ shape: [2, 3], range: bRange }],
      run: (a) => fn(1.5, a),
      ref: (a) => mapN([a], (v) => f(Math.fround(1.5), v)),
    });
    return cases;
  }),
  {
    ops: ['pow'],
    label: 'pow 3 with negative bases',
    inputs: [{ shape: [3, 4] }],
    run: (x) => bg.pow(x, 3),
    ref: (x) => mapN([x], (v) => v ** 3),
  },
  {
    ops: ['pow'],
    label: 'pow 0.7',
    inputs: [{ shape: [6], range: [0.2, 3] }],
    run: (x) => bg.pow(x, 0.7),
    ref: (x) => mapN([x], (v) => v ** Math.fround(0.7)),
  },
  {
    ops: ['clamp'],
    label: 'clamp',
    inputs: [{ shape: [4, 5], data: [-2, -1.7, -1.2, -0.9, -0.5, -0.3, -0.1, 0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.1, 1.3, 1.55, 1.8, 1.9, 2.0] }],
    run: (x) => bg.clamp(x, -1, 1.5),
    ref: (x) => mapN([x], (v) => Math.min(1.5, Math.max(-1, v))),
  },
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).map((name): OpCase => {
    const f = { eq: (a: number, b: number) => a === b, ne: (a: number, b: number) => a !== b, lt: (a: number, b: number) => a < b, le: (a: number, b: number) => a <= b, gt: (a: number, b: number) => a > b, ge: (a: number, b: number) => a >= b }[name];
    return {
      ops: [name],
      label: `${name} with ties and broadcast`,
      inputs: [
        { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
        { shape: [3], data: [1, 5, 2] },
      ],
      run: (a, b) => bg[name](a, b).cast('float32'),
      ref: (a, b) => mapN([a, b], (x, y) => (f(x, y) ? 1 : 0)),
      noGrad: true,
    };
  }),
  {
    ops: ['cast'],
    label: 'cast float→int truncates toward zero',
    inputs: [{ shape: [6], data: [-2.7, -0.5, 0, 0.5, 1.99, 3.2] }],
    run: (x) => x.cast('int32').cast('float32'),
    ref: (x) => mapN([x], Math.trunc),
    noGrad: true,
  },
  {
    // float16 storage: values round to 11 significant bits, gradients pass straight through.
    ops: ['cast'],
    label: 'cast float32→float16→float32 (gradient is the identity)',
    inputs: [{ shape: [3, 5] }],
    run: (x) => x.cast('float16').cast('float32'),
    ref: (x) => mapN([x], (v) => v),
    rtol: 1e-3,
    gradTol: 1e-3,
    requires: ['shader-f16'],
  },
  {
    ops: ['where'],
    label: 'where with broadcast condition',
    inputs: [
      { shape: [3, 1], dtype: 'int32', data: [1, 0, 1] },
      { shape: [3, 4] },
      { shape: [4] },
    ],
    run: (c, a, b) => bg.where(c, a, b),
    ref: (c, a, b) => mapN([c, a, b], (cv, av, bv) => (cv !== 0 ? av : bv)),
  },
  {
    ops: ['maskedFill'],
    label: 'maskedFill',
    inputs: [
      { shape: [2, 5] },
      { shape: [5], dtype: 'int32', data: [0, 1, 0, 0, 1] },
    ],
    run: (x, m) => bg.maskedFill(x, m, -7),
    ref: (x, m) => mapN([x, m], (v, mv) => (mv !== 0 ? -7 : v)),
  },
  // Both elementwise layouts on every adapter, the profile's vec4 entry pinned (auto: vec4 on CPU adapters
  // only): a row broadcast read as vec4, a column splat, a unary op; the gradients' column sums follow it too.
  ...bg.pinnedValues('vec4').flatMap((vec4): OpCase[] => [
    { ops: ['add'], label: `add [3,8]∘[8] vec4 ${vec4}`, inputs: [{ shape: [3, 8] }, { shape: [8] }], run: (a, b) => bg.add(a, b), ref: (a, b) => mapN([a, b], (x, y) => x + y), profile: { vec4 } },
    { ops: ['mul'], label: `mul [2,12]∘[2,1] vec4 ${vec4}`, inputs: [{ shape: [2, 12] }, { shape: [2, 1] }], run: (a, b) => bg.mul(a, b), ref: (a, b) => mapN([a, b], (x, y) => x * y), profile: { vec4 } },
    { ops: ['gelu'], label: `gelu [4,16] vec4 ${vec4}`, inputs: [{ shape: [4, 16], range: [-6, 6] }], run: bg.gelu, ref: (x) => mapN([x], geluRef), profile: { vec4 } },
  ]),
];
