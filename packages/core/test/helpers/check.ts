/**
 * The one helper every op test goes through (tinygrad-style):
 *  1. forward on the GPU vs a float64 JS reference on seeded random inputs;
 *  2. backward on the GPU vs central finite differences of the float64
 *     reference (so the numeric gradient is accurate to ~1e-9 and the
 *     tolerance can stay tight);
 *  3. records which registered op the case covered, for the coverage report.
 *
 * Tolerances (f32): elementwise 1e-5 relative; reductions, matmul and row
 * ops 1e-4; gradients 1e-4 of the gradient's scale. Error is measured as
 * |gpu − ref| ≤ atol + rtol·|ref| elementwise, with atol = rtol·max|ref|·1e-2
 * so values near zero aren't held to an impossible relative bound.
 *
 * No test-framework imports: the same cases run under vitest (Node/Dawn)
 * and in the browser suite (test/browser), which both call checkOp.
 */
import { Mulberry32, getDefaultRuntime, tensor, type ProfileFlags, type Tensor, scope } from '@bamgpu/core';
import { type Nd, nd, size } from './nd.js';

export interface InputSpec {
  shape: number[];
  dtype?: 'float32' | 'int32';
  /** Uniform range for float data (default [-2, 2]); for int32 the [lo, hi) id range. */
  range?: [number, number];
  /** Fixed data instead of random. */
  data?: number[];
  /** Check the gradient w.r.t. this input (default: floats yes). */
  grad?: boolean;
}

export interface OpCase {
  /** Registered op names this case covers. */
  ops: string[];
  /** Label shown in the test name. */
  label: string;
  inputs: InputSpec[];
  run: (...xs: Tensor[]) => Tensor;
  ref: (...xs: Nd[]) => Nd;
  /** Forward relative tolerance (default 1e-5). */
  rtol?: number;
  /**
   * Absolute forward tolerance, for ops whose WGSL builtins the spec only
   * bounds absolutely (sin/cos: 2^-11 on [−π, π]; SwiftShader uses all of it).
   */
  atol?: number;
  /** Gradient tolerance relative to max|numeric grad| (default 1e-4). */
  gradTol?: number;
  /** Skip the gradient check (non-differentiable ops). */
  noGrad?: boolean;
  /** Adapter features the case needs; where one is missing the suites report it skipped with the reason. */
  requires?: readonly ('shader-f16' | 'subgroups')[];
  /** Finite-difference step (default 1e-6). */
  h?: number;
  /**
   * Device-profile entries pinned for the whole case, forward and backward
   * (Runtime.withProfile): how a case forces a kernel variant or layout.
   */
  profile?: ProfileFlags;
}

/** Per op: how many cases ran, and how many of them also checked gradients. */
export const covered = new Map<string, { cases: number; gradCases: number }>();

/** Deterministic uniform numbers: the Mulberry32 stream, as the trainer's data order uses. */
export function seeded(seed: number): () => number {
  const rng = new Mulberry32(seed);
  return () => rng.uniform();
}

function hashLabel(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function makeInput(spec: InputSpec, rnd: () => number): Nd {
  if (spec.data) return nd(spec.shape, spec.data);
  const n = size(spec.shape);
  const data = new Float64Array(n);
  const [lo, hi] = spec.range ?? (spec.dtype === 'int32' ? [0, 10] : [-2, 2]);
  for (let i = 0; i < n; i++) {
    const u = rnd();
    data[i] = spec.dtype === 'int32' ? Math.floor(lo + u * (hi - lo)) : Math.fround(lo + u * (hi - lo));
  }
  return { shape: [...spec.shape], data };
}

export interface Mismatch {
  index: number;
  got: number;
  want: number;
}

/** Worst elementwise violation of |got − want| ≤ atol + rtol·|want|, or null. */
export function compare(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number): Mismatch | null {
  let worst: Mismatch | null = null;
  let worstExcess = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!Number.isFinite(w) && g === w) continue;
    const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (!(excess <= 0) && (worst === null || excess > worstExcess || Number.isNaN(excess))) {
      worst = { index: i, got: g, want: w };
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  return worst;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, what: string, atolFloor = 0): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, reference has ${want.length}`);
  const atol = Math.max(atolFloor, rtol * maxAbs(want) * 1e-2);
  const bad = compare(got, want, rtol, atol);
  if (bad) {
    throw new Error(`${what}: element ${bad.index} is ${bad.got}, reference ${bad.want} (rtol ${rtol}, atol ${atol.toExponential(2)})`);
  }
}

/** Why the default adapter can't run the case (a missing feature), or null. */
export function unsupported(c: OpCase): string | null {
  const missing = (c.requires ?? []).filter((f) => !getDefaultRuntime().device.features.has(f as GPUFeatureName));
  return missing.length ? `adapter lacks ${missing.join(', ')}` : null;
}

export async function checkOp(c: OpCase): Promise<void> {
  const rnd = seeded(hashLabel(c.label));
  const xs = c.inputs.map((s) => makeInput(s, rnd));
  const want = c.ref(...xs);
  const rtol = c.rtol ?? 1e-5;
  const gradWanted = c.inputs.map((s) => !c.noGrad && (s.grad ?? (s.dtype ?? 'float32') !== 'int32'));

  await getDefaultRuntime().withProfile(c.profile ?? {}, () => scope(async () => {
    const ts = xs.map((x, i) =>
      tensor(c.inputs[i].dtype === 'int32' ? Int32Array.from(x.data) : Float32Array.from(x.data), x.shape, {
        dtype: c.inputs[i].dtype ?? 'float32',
        requiresGrad: gradWanted[i],
      }),
    );
    const out = c.run(...ts);
    if (out.shape.join(',') !== want.shape.join(',')) {
      throw new Error(`${c.label}: output shape [${out.shape.join(',')}], reference [${want.shape.join(',')}]`);
    }
    const got = await out.data();
    expectClose(got, want.data, rtol, `${c.label}: forward`, c.atol ?? 0);

    if (!gradWanted.some(Boolean)) return;
    // Random upstream gradient G; the scalar whose gradient is checked is Σ G·f(x).
    const G = Float64Array.from({ length: want.data.length }, () => Math.fround(rnd() * 2 - 1));
    out.backward(tensor(Float32Array.from(G), want.shape));
    const h = c.h ?? 1e-6;
    for (let i = 0; i < xs.length; i++) {
      if (!gradWanted[i]) continue;
      const x = xs[i];
      const numeric = new Float64Array(x.data.length);
      for (let j = 0; j < x.data.length; j++) {
        const orig = x.data[j];
        const step = h * Math.max(1, Math.abs(orig));
        x.data[j] = orig + step;
        const fp = c.ref(...xs).data;
        x.data[j] = orig - step;
        const fm = c.ref(...xs).data;
        x.data[j] = orig;
        let d = 0;
        for (let k = 0; k < G.length; k++) d += G[k] * (fp[k] - fm[k]);
        numeric[j] = d / (2 * step);
      }
      const g = ts[i].grad;
      if (!g) throw new Error(`${c.label}: input ${i} got no gradient`);
      const tol = c.gradTol ?? 1e-4;
      expectClose(await g.data(), numeric, tol, `${c.label}: d/d input ${i}`, tol * maxAbs(numeric));
    }
  }));
  const gradChecked = gradWanted.some(Boolean);
  for (const op of c.ops) {
    const prev = covered.get(op) ?? { cases: 0, gradCases: 0 };
    covered.set(op, { cases: prev.cases + 1, gradCases: prev.gradCases + (gradChecked ? 1 : 0) });
  }
}
