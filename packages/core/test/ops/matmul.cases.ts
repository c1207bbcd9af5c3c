import * as bg from '@bamgpu/core';
import type { OpCase } from '../helpers/check.js';
import { erfc, mapN, matmulRef, nd, type Nd } from '../helpers/nd.js';

/**
 * Every matmul variant forced on odd shapes: transposes (read in place),
 * batch broadcast, size-1 dims, M/N not multiples of any tile (64, 32, 4),
 * K not a multiple of any K step (16, 32, 4); then the fused epilogue with
 * gradient checks, split-K with several chunks, and the f16 path.
 */
const variants = bg.pinnedValues('matmul');
type Variant = bg.MatmulVariant;

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
  // Not multiples of the tiles, K not a multiple of any K step.
  { a: [65, 33], b: [33, 67], grad: false },
  { a: [130, 17], b: [70, 17], transB: true, grad: false },
  { a: [40, 129], b: [40, 3], transA: true, grad: false },
  { a: [37, 70], b: [66, 37], transA: true, transB: true, grad: false },
  { a: [3, 70, 20], b: [3, 20, 66], grad: false },
  // Aᵀ with M a multiple of 4: the texture variant stages it by 4×4 blocks (K = 12 exact, K = 10 padded, batched).
  { a: [12, 8], b: [12, 5], transA: true },
  { a: [10, 8], b: [10, 6], transA: true },
  { a: [2, 12, 8], b: [2, 12, 5], transA: true, grad: false },
  // Exactly one tile everywhere (the bounds-check-free tiled build), batch shared on B.
  { a: [2, 64, 32], b: [32, 64], grad: false },
  { a: [128, 48], b: [128, 48], transB: true, grad: false },
];

const fmt = (s: number[]) => JSON.stringify(s);

const productCases: OpCase[] = variants.flatMap((variant) =>
  shapes.map(
    (s): OpCase => ({
      ops: ['matmul'],
      label: `matmul ${variant} ${fmt(s.a)}${s.transA ? 'ᵀ' : ''}·${fmt(s.b)}${s.transB ? 'ᵀ' : ''}`,
      inputs: [{ shape: s.a }, { shape: s.b }],
      run: (a, b) => bg.matmul(a, b, { transA: s.transA, transB: s.transB }),
      profile: { matmul: variant },
      ref: (a, b) => matmulRef(a, b, s.transA, s.transB),
      rtol: 1e-4,
      noGrad: s.grad === false,
    }),
  ),
);

// ---------- fused epilogue: act(op(a)·op(b) + bias) + residual ----------

const geluRef = (x: number) => 0.5 * x * erfc(-x / Math.SQRT2);

function addRows(x: Nd, bias: Nd): Nd {
  const n = bias.data.length;
  return nd(x.shape, Array.from(x.data, (v, i) => v + bias.data[i % n]));
}

interface Epi {
  /** Scale on the product (omitted: 1). */
  alpha?: number;
  a: number[];
  b: number[];
  transA?: boolean;
  transB?: boolean;
  bias?: boolean;
  gelu?: boolean;
  residual?: boolean;
}

// Each combination compiles its own pipelines (a few seconds each on
// lavapipe), so every variant gets the two extremes and the texture variant
// (the CPU default, also the one the gradients run through) all four. The
// full one carries a scale too (alpha ≠ 1, not a power of two), so every
// variant applies it before the bias and its gradient check covers alpha's
// backward.
const epilogues: Epi[] = [
  { a: [3, 5], b: [4, 5], transB: true, bias: true },
  { a: [2, 5, 3], b: [5, 6], transA: true, alpha: -0.3, bias: true, gelu: true, residual: true },
  { a: [5, 3], b: [5, 6], transA: true, bias: true, gelu: true },
  { a: [2, 3, 5], b: [5, 4], gelu: true, residual: true },
];

function epilogueCase(variant: Variant, e: Epi): OpCase {
  const outShape = [...(e.a.length > 2 ? e.a.slice(0, -2) : []), e.transA ? e.a[e.a.length - 1] : e.a[e.a.length - 2], e.transB ? e.b[e.b.length - 2] : e.b[e.b.length - 1]];
  const n = outShape[outShape.length - 1];
  const inputs = [{ shape: e.a }, { shape: e.b }, ...(e.bias ? [{ shape: [n] }] : []), ...(e.residual ? [{ shape: outShape }] : [])];
  const parts = [e.alpha !== undefined ? `alpha ${e.alpha}` : '', e.bias ? 'bias' : '', e.gelu ? 'gelu' : '', e.residual ? 'residual' : ''].filter(Boolean).join('+');
  return {
    ops: ['matmul'],
    label: `matmul ${variant} epilogue ${parts} ${fmt(e.a)}${e.transA ? 'ᵀ' : ''}·${fmt(e.b)}${e.transB ? 'ᵀ' : ''}`,
    inputs,
    run: (a, b, ...rest) => {
      const bias = e.bias ? rest.shift() : undefined;
      const residual = e.residual ? rest.shift() : undefined;
      return bg.matmul(a, b, { transA: e.transA, transB: e.transB, alpha: e.alpha, bias, activation: e.gelu ? 'gelu' : undefined, residual });
    },
    profile: { matmul: variant },
    ref: (a, b, ...rest) => {
      let z = matmulRef(a, b, e.transA, e.transB);
      if (e.alpha !== undefined) z = mapN([z], (x) => x * Math.fround(e.alpha!));
      if (e.bias) z = addRows(z, rest.shift()!);
      if (e.gelu) z = mapN([z], geluRef);
      if (e.residual) z = mapN([z, rest.shift()!], (x, r) => x + r);
      return z;
    },
    rtol: 1e-4,
  };
}

/**
 * Epilogue combinations per variant. 'tiled-wide' is the 'tiled' generator
 * with a bigger tile; its GPU-shaped kernels take 10–30 s each to compile on
 * lavapipe, so it gets the one combination that exercises every operand.
 */
function epiloguesFor(v: Variant): Epi[] {
  if (v === 'texture') return epilogues;
  if (v === 'tiled-wide') return epilogues.slice(1, 2);
  return epilogues.slice(0, 2);
}

const epilogueCases: OpCase[] = variants.flatMap((v) => epiloguesFor(v).map((e) => epilogueCase(v, e)));

// ---------- split-K with several chunks (K above the minimum chunk) ----------

// Each kernel for the partial products (the profile's splitkPartials; auto: blocked on CPU adapters, tiled on GPUs).
const splitCases: OpCase[] = bg.pinnedValues('splitkPartials').flatMap((splitkPartials) => [
  { a: [700, 6], b: [700, 5], transA: true, alpha: 1 },
  // The reduction applies the epilogue, so the partials must stay unscaled.
  { a: [2, 3, 530], b: [530, 7], alpha: 0.125 },
].map((s): OpCase => ({
  ops: ['matmul'],
  label: `matmul splitk long K ${fmt(s.a)}${s.transA ? 'ᵀ' : ''}·${fmt(s.b)}${s.alpha !== 1 ? ` × ${s.alpha}` : ''} + bias, gelu, ${splitkPartials} partials`,
  inputs: [{ shape: s.a }, { shape: s.b }, { shape: [s.b[1]] }],
  run: (a: bg.Tensor, b: bg.Tensor, bias: bg.Tensor) => bg.matmul(a, b, { transA: s.transA, alpha: s.alpha, bias, activation: 'gelu' }),
  profile: { matmul: 'splitk', splitkPartials },
  ref: (a: Nd, b: Nd, bias: Nd) => mapN([addRows(mapN([matmulRef(a, b, s.transA)], (x) => x * s.alpha), bias)], geluRef),
  rtol: 1e-4,
  noGrad: true,
})));

// ---------- f16 storage, f32 accumulation ----------

const toF16 = (x: number) => bg.float16ToFloat32(bg.float32ToFloat16(x));
const roundF16 = (x: Nd): Nd => nd(x.shape, Array.from(x.data, toF16));

const f16Shapes: MM[] = [
  { a: [2, 40, 9], b: [2, 40, 35], transA: true },
  // Rows of 128 halves (256 bytes): the texture variant's direct-copy path; the tiled aligned build.
  { a: [64, 128], b: [64, 128], transB: true },
];

// 'tiled-wide' shares 'tiled''s f16 loads and stores (same generator), so it is left out here.
const f16Cases: OpCase[] = variants.filter((v) => v !== 'tiled-wide').flatMap((variant) =>
  f16Shapes.map(
    (s): OpCase => ({
      ops: ['matmul'],
      label: `matmul ${variant} f16 ${fmt(s.a)}${s.transA ? 'ᵀ' : ''}·${fmt(s.b)}${s.transB ? 'ᵀ' : ''} + bias`,
      inputs: [{ shape: s.a }, { shape: s.b }, { shape: [s.transB ? s.b[s.b.length - 2] : s.b[s.b.length - 1]] }],
      run: (a, b, bias) => {
        const dt = 'float16';
        const y = bg.matmul(bg.cast(a, dt), bg.cast(b, dt), { transA: s.transA, transB: s.transB, bias: bg.cast(bias, dt) });
        return bg.cast(y, 'float32');
      },
      profile: { matmul: variant },
      ref: (a, b, bias) => roundF16(addRows(matmulRef(roundF16(a), roundF16(b), s.transA, s.transB), roundF16(bias))),
      rtol: 2e-3,
      noGrad: true,
      requires: ['shader-f16'],
    }),
  ),
);

// Split-K with K shorter than one chunk (a single partial) still sums through f32 scratch.
const shortSplitF16: OpCase = {
  ops: ['matmul'],
  label: 'matmul splitk f16 one chunk [3,5]·[5,4] + bias',
  inputs: [{ shape: [3, 5] }, { shape: [5, 4] }, { shape: [4] }],
  run: (a, b, bias) => {
    const dt = 'float16';
    return bg.cast(bg.matmul(bg.cast(a, dt), bg.cast(b, dt), { bias: bg.cast(bias, dt) }), 'float32');
  },
  profile: { matmul: 'splitk' },
  ref: (a, b, bias) => roundF16(addRows(matmulRef(roundF16(a), roundF16(b)), roundF16(bias))),
  rtol: 2e-3,
  noGrad: true,
  requires: ['shader-f16'],
};

export const matmulCases: OpCase[] = [...productCases, ...epilogueCases, ...splitCases, ...f16Cases, shortSplitF16];
