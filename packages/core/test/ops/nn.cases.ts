import * as bg from '@bamgpu/core';
import type { OpCase } from '../helpers/check.js';
import { logSoftmaxRow, mapN, nd, permuteRef, reduceAxes, rows, softmaxRow, sumOf, type Nd } from '../helpers/nd.js';

const rowVariants = bg.pinnedValues('rows');
/** The profile pinning a row layout; the subgroup layout needs the adapter's subgroups (SwiftShader in Chromium has none: skipped there, listed). */
const rowRequires = (v: bg.RowVariant) => ({ profile: { rows: v }, ...(v === 'subgroup' ? { requires: ['subgroups'] as const } : {}) });

function layerNormRef(x: Nd, w: Nd, b: Nd, eps: number): Nd {
  const n = x.shape[x.shape.length - 1];
  return rows(x, (row) => {
    const mean = sumOf(row) / n;
    const v = sumOf(row.map((t) => (t - mean) ** 2)) / n;
    return row.map((t, j) => ((t - mean) / Math.sqrt(v + eps)) * w.data[j] + b.data[j]);
  });
}

function xentHardRef(logits: Nd, labels: Nd, ignore: number, reduction: 'mean' | 'sum' | 'none'): Nd {
  const ls = rows(logits, logSoftmaxRow);
  const c = logits.shape[logits.shape.length - 1];
  const per = Array.from(labels.data, (l, r) => (l === ignore ? 0 : -ls.data[r * c + l]));
  if (reduction === 'none') return nd(labels.shape, per);
  const count = Array.from(labels.data).filter((l) => l !== ignore).length;
  return nd([], [reduction === 'sum' ? sumOf(per) : sumOf(per) / Math.max(count, 1)]);
}

function xentSoftRef(logits: Nd, t: Nd): Nd {
  const ls = rows(logits, logSoftmaxRow);
  const c = logits.shape[logits.shape.length - 1];
  const r = logits.data.length / c;
  let total = 0;
  for (let i = 0; i < logits.data.length; i++) total -= t.data[i] * ls.data[i];
  return nd([], [total / r]);
}

export const nnCases: OpCase[] = [
  ...rowVariants.flatMap((variant) =>
    // [19, 12]: rows past one workgroup of row groups, three vec4s per row (fewer than the lanes);
    // [4, 3000]: vec4 rows with a ragged last stride; 7 and 130: scalar rows.
    [[3, 7], [2, 1, 130], [1, 1], [19, 12], [4, 3000]].flatMap((shape): OpCase[] => [
      {
        ops: ['softmax'],
        label: `softmax ${JSON.stringify(shape)} ${variant}`,
        inputs: [{ shape, range: [-6, 6] }],
        run: (x) => bg.softmax(x, -1),
        ...rowRequires(variant),
        ref: (x) => rows(x, softmaxRow),
        rtol: 1e-4,
        noGrad: shape[1] === 3000,
      },
      {
        ops: ['logSoftmax'],
        label: `logSoftmax ${JSON.stringify(shape)} ${variant}`,
        inputs: [{ shape, range: [-6, 6] }],
        run: (x) => bg.logSoftmax(x, -1),
        ...rowRequires(variant),
        ref: (x) => rows(x, logSoftmaxRow),
        rtol: 1e-4,
        noGrad: shape[1] === 3000,
      },
      {
        ops: ['layerNorm'],
        label: `layerNorm ${JSON.stringify(shape)} ${variant}`,
        inputs: [{ shape, range: [-3, 5] }, { shape: [shape[shape.length - 1]] }, { shape: [shape[shape.length - 1]] }],
        run: (x, w, b) => bg.layerNorm(x, w, b, 1e-5),
        ...rowRequires(variant),
        ref: (x, w, b) => layerNormRef(x, w, b, 1e-5),
        rtol: 1e-4,
        noGrad: shape[1] === 3000 || shape[shape.length - 1] === 1,
      },
    ]),
  ),
  // Rows too long to keep in registers (33 vec4s per lane, past rows.ts MAX_CACHED_VEC4_PER_LANE):
  // the softmax family streams them, as layer norm's subgroup layout always does; forward and
  // backward, gradients included.
  ...(['softmax', 'logSoftmax', 'layerNorm'] as const).map((op): OpCase => ({
    ops: [op],
    label: `${op} [2,1040] subgroup, streamed rows`,
    inputs: op === 'layerNorm' ? [{ shape: [2, 1040], range: [-3, 5] }, { shape: [1040] }, { shape: [1040] }] : [{ shape: [2, 1040], range: [-6, 6] }],
    run: (x, w, b) => (op === 'layerNorm' ? bg.layerNorm(x, w, b, 1e-5) : bg[op](x, -1)),
    profile: { rows: 'subgroup' },
    ref: (x, w, b) => (op === 'layerNorm' ? layerNormRef(x, w, b, 1e-5) : rows(x, op === 'softmax' ? softmaxRow : logSoftmaxRow)),
    rtol: 1e-4,
    requires: ['subgroups'],
  })),
  // f16 storage, f32 arithmetic: every variant's scalar path with conversions (vec4 rows are f32 only).
  ...rowVariants.flatMap((variant): OpCase[] => {
    const f16 = (x: Nd): Nd => nd(x.shape, Array.from(x.data, (v) => bg.float16ToFloat32(bg.float32ToFloat16(v))));
    const requires = variant === 'subgroup' ? (['shader-f16', 'subgroups'] as const) : (['shader-f16'] as const);
    return [
      {
        ops: ['softmax'],
        label: `softmax f16 [19,12] ${variant}`,
        inputs: [{ shape: [19, 12], range: [-6, 6] }],
        run: (x) => bg.cast(bg.softmax(bg.cast(x, 'float16'), -1), 'float32'),
        profile: { rows: variant },
        ref: (x) => f16(rows(f16(x), softmaxRow)),
        rtol: 2e-3,
        atol: 1e-4,
        noGrad: true,
        requires,
      },
      {
        ops: ['layerNorm'],
        label: `layerNorm f16 [19,12] ${variant}`,
        inputs: [{ shape: [19, 12], range: [-3, 5] }, { shape: [12] }, { shape: [12] }],
        run: (x, w, b) => bg.cast(bg.layerNorm(bg.cast(x, 'float16'), bg.cast(w, 'float16'), bg.cast(b, 'float16'), 1e-5), 'float32'),
        profile: { rows: variant },
        ref: (x, w, b) => f16(layerNormRef(f16(x), f16(w), f16(b), 1e-5)),
        rtol: 2e-3,
        atol: 2e-3,
        noGrad: true,
        requires,
      },
    ];
  }),
  {
    ops: ['softmax'],
    label: 'softmax over dim 0',
    inputs: [{ shape: [4, 3] }],
    run: (x) => bg.softmax(x, 0),
    ref: (x) => permuteRef(rows(permuteRef(x, [1, 0]), softmaxRow), [1, 0]),
    rtol: 1e-4,
  },
  // Rows far from zero (mean ≈ 1000, σ ≈ 0.6): a variance taken as E[x²] − E[x]² in f32 loses
  // every digit here (ulp of 1e6 is 0.06), so this pins each variant's variance as cancellation-free.
  // 5 rows: one subgroup's rows plus one; 200 (vec4) and 201 (scalar) elements.
  ...rowVariants.flatMap((variant) =>
    [200, 201].map((n): OpCase => ({
      ops: ['layerNorm'],
      label: `layerNorm rows far from zero [5,${n}] ${variant}`,
      inputs: [{ shape: [5, n], range: [999, 1001] }, { shape: [n] }, { shape: [n] }],
      run: (x, w, b) => bg.layerNorm(x, w, b, 1e-12),
      ...rowRequires(variant),
      ref: (x, w, b) => layerNormRef(x, w, b, 1e-12),
      // The inputs' f32 ulp (6e-5 at 1000) over σ bounds what any f32 kernel can reach.
      rtol: 5e-4,
      atol: 5e-4,
      noGrad: true,
    })),
  ),
  {
    ops: ['layerNorm'],
    label: 'layerNorm with BERT eps 1e-12 on a near-constant row',
    inputs: [{ shape: [2, 6], data: [1, 1, 1, 1, 1, 1.001, -3, 4, 0.5, 2, -1, 7] }, { shape: [6] }, { shape: [6] }],
    run: (x, w, b) => bg.layerNorm(x, w, b, 1e-12),
    ref: (x, w, b) => layerNormRef(x, w, b, 1e-12),
    rtol: 2e-3,
    noGrad: true,
  },
  ...(['mean', 'sum', 'none'] as const).map((reduction): OpCase => ({
    ops: ['crossEntropy'],
    label: `crossEntropy hard labels with ignore_index, ${reduction}`,
    inputs: [{ shape: [5, 4], range: [-4, 4] }, { shape: [5], dtype: 'int32', data: [0, 3, -100, 1, 2] }],
    run: (x, l) => bg.crossEntropy(x, l, { reduction }),
    ref: (x, l) => xentHardRef(x, l, -100, reduction),
    rtol: 1e-4,
  })),
  {
    ops: ['crossEntropy'],
    label: 'crossEntropy soft targets (grad to logits and targets)',
    inputs: [{ shape: [3, 5], range: [-4, 4] }, { shape: [3, 5], range: [0, 1] }],
    run: (x, t) => bg.crossEntropy(x, t),
    ref: (x, t) => xentSoftRef(x, t),
    rtol: 1e-4,
  },
  {
    ops: ['mseLoss'],
    label: 'mseLoss mean with broadcast target',
    inputs: [{ shape: [4, 3] }, { shape: [3] }],
    run: (a, b) => bg.mseLoss(a, b),
    ref: (a, b) => {
      const d = mapN([a, b], (x, y) => (x - y) ** 2);
      return reduceAxes(d, [0, 1], (v) => sumOf(v) / v.length);
    },
    rtol: 1e-4,
  },
];
