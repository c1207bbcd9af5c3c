import { ParamLayout, type ParamType } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import { setMostRecent } from '../runtime/lru.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { contiguousStrides, numel } from '../tensor/shape.js';
import { MAIN_1D, WORKGROUP, computeType, enableF16, helpersFor, load, splitWorkgroups, storageDecl, store } from './wgsl.js';

/**
 * One program family for every pointwise op: unary, binary, ternary, casts,
 * copies, broadcasts, permutes, slices and region writes. Each operand is read
 * (or the output written) through an element offset and per-dim strides over
 * the iteration shape, so broadcasting (stride 0), transposition and slicing
 * need no kernels of their own.
 */
export interface StridedOperand {
  range: BufferRange;
  dtype: DType;
  /** Element offset of index [0,…,0]. */
  offset: number;
  /** Element stride per dim of the iteration shape (0 = broadcast). */
  strides: readonly number[];
}

export interface ElementwiseCall {
  /** Names the op in the pipeline key. */
  name: string;
  /** WGSL expression over inputs `a`, `b`, `c` (compute types) and scalars `p.s0`, `p.s1`. */
  expr: string;
  shape: readonly number[];
  inputs: readonly StridedOperand[];
  out: StridedOperand;
  scalars?: readonly { type: ParamType; value: number }[];
}

const NAMES = ['a', 'b', 'c', 'd'];

/** Merges adjacent dims that every operand walks contiguously, and drops size-1 dims. */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const keep = shape.map((d, i) => i).filter((i) => shape[i] !== 1);
  let outShape = keep.map((i) => shape[i]);
  let outStrides = strides.map((st) => keep.map((i) => st[i]));
  for (let i = outShape.length - 2; i >= 0; i--) {
    const mergeable = outStrides.every((st) => st[i] === st[i + 1] * outShape[i + 1]);
    if (mergeable) {
      outShape = [...outShape.slice(0, i), outShape[i] * outShape[i + 1], ...outShape.slice(i + 2)];
      outStrides = outStrides.map((st) => [...st.slice(0, i), st[i + 1], ...st.slice(i + 2)]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

function isDirect(op: { offset: number; strides: readonly number[] }, shape: readonly number[]): boolean {
  if (op.offset !== 0) return false;
  const c = contiguousStrides(shape);
  return op.strides.every((s, i) => s === c[i] || shape[i] === 1);
}

export const MAX_RANK = 8;

/**
 * Builtins that act per component, so an expression built from them, the
 * operands, the scalars, literals and + − × ÷ means the same on vec4<f32>
 * (a cast `f32(x)` becomes `vec4<f32>(x)`, GELU and its derivative their
 * vec4 twins). max/min are left out: their
 * literal arguments would not widen to vectors.
 */
const COMPONENTWISE = /\b(?:exp|log|tanh|sqrt|inverseSqrt|abs|sin|cos|f32|gelu_f|gelu_grad_f)\(/g;

/** Scalar helpers with a vec4 twin in WGSL_HELPERS. */
const VEC4_HELPERS: Record<string, string> = { gelu_f: 'gelu_f4', gelu_grad_f: 'gelu_grad_f4' };

/** The expression on vec4 operands: casts widen, helpers switch to their vec4 twins. */
function vec4Source(expr: string): string {
  return expr.replace(/\bf32\(/g, 'vec4<f32>(').replace(/\b(gelu_f|gelu_grad_f)\(/g, (_, name: string) => `${VEC4_HELPERS[name]}(`);
}

/** vec4Expr's answers: the same few expressions come back on every call, and the test is five regex passes. */
const vec4Exprs = new Map<string, boolean>();

/** Whether `expr` can run on four elements at once (see COMPONENTWISE). */
export function vec4Expr(expr: string): boolean {
  let ok = vec4Exprs.get(expr);
  if (ok === undefined) {
    ok = isVec4Expr(expr);
    setMostRecent(vec4Exprs, expr, ok, MAX_CACHED_KERNELS);
  }
  return ok;
}

function isVec4Expr(expr: string): boolean {
  const rest = expr
    .replace(COMPONENTWISE, '(')
    .replace(/\bp\.s[01]\b/g, '')
    .replace(/\b[abcd]\b/g, '')
    .replace(/\b\d+(?:\.\d*)?(?:e[+-]?\d+)?\b/g, '')
    .replace(/[-+*/(),.\s]/g, '');
  return rest === '';
}

interface Operand {
  range: BufferRange;
  dtype: DType;
  offset: number;
  strides: number[];
  /** Read or written as vec4<f32> (strides and offset in vec4 units); false: one f32 splat to four lanes. */
  vec: boolean;
}

/** An Operand, built field by field: object spreads on the per-call path cost more than the rest of the plan. */
function operand(range: BufferRange, dtype: DType, offset: number, strides: number[], vec: boolean): Operand {
  return { range, dtype, offset, strides, vec };
}

/**
 * Whether elementwise kernels and column sums (reduce.ts) take vec4 layouts
 * where the shape allows: the profile's `vec4` entry; `auto` means on CPU
 * adapters only (lavapipe: 2–4× fewer storage accesses; the H100 measured
 * slower). Measurements: docs/perf/elementwise.md.
 */
export function useVec4(rt: Runtime): boolean {
  const { vec4, adapterClass } = rt.profile;
  return vec4 === 'auto' ? adapterClass === 'cpu' : vec4 === 'on';
}

/**
 * The vec4 form of a call, or null: four elements per storage access where
 * useVec4 allows (measurements: docs/perf/elementwise.md). Needs: f32
 * everywhere, a component-wise expression, a last dim that is a multiple of
 * 4, and each operand either walking it contiguously (with offset and other
 * strides multiples of 4) or broadcast along it (stride 0: loaded once,
 * splat); the output walks it.
 */
function vec4Plan(rt: Runtime, call: ElementwiseCall, shape: readonly number[], ops: readonly Operand[]): { shape: number[]; ops: Operand[] } | null {
  if (!useVec4(rt)) return null;
  const rank = shape.length;
  if (rank === 0 || shape[rank - 1] % 4 !== 0) return null;
  if (!ops.every((o) => o.dtype === 'float32') || !vec4Expr(call.expr)) return null;
  const out = ops[ops.length - 1];
  if (out.strides[rank - 1] !== 1) return null;
  const planned: Operand[] = [];
  for (const o of ops) {
    const inner = o.strides[rank - 1];
    if (inner === 0) {
      planned.push(operand(o.range, o.dtype, o.offset, o.strides, false));
      continue;
    }
    if (inner !== 1 || o.offset % 4 !== 0) return null;
    const strides = new Array<number>(rank);
    for (let k = 0; k < rank - 1; k++) {
      if (o.strides[k] % 4 !== 0) return null;
      strides[k] = o.strides[k] / 4;
    }
    strides[rank - 1] = 1;
    planned.push(operand(o.range, o.dtype, o.offset / 4, strides, true));
  }
  return { shape: [...shape.slice(0, -1), shape[rank - 1] / 4], ops: planned };
}

/** What an elementwise kernel is specialised on: all of it is in its key. */
interface KernelSpec {
  expr: string;
  /** Per operand (inputs, then the output): dtype, read as vec4, indexed directly. */
  dtypes: readonly DType[];
  vec: readonly boolean[];
  direct: readonly boolean[];
  rank: number;
  v4: boolean;
  scalarTypes: readonly ParamType[];
}

/**
 * The kernel of one key: its params (shape, the strided operands' offsets
 * and strides, the scalars) and its WGSL.
 */
function buildKernel(key: string, k: KernelSpec): Kernel {
  const { expr, dtypes, vec, direct, rank, v4 } = k;
  const nIn = dtypes.length - 1;
  const params = new ParamLayout().add('n');
  for (let d = 0; d < rank; d++) params.add(`d${d}`);
  direct.forEach((isDirect, j) => {
    if (isDirect) return;
    params.add(`o${j}`);
    for (let d = 0; d < rank; d++) params.add(`st${j}_${d}`);
  });
  k.scalarTypes.forEach((type, n) => params.add(`s${n}`, type));
  return {
    key,
    params,
    storage: [...Array.from({ length: nIn }, () => 'read' as const), 'read_write'],
    source: () => {
      let body = '';
      if (direct.some((d) => !d)) {
        body += '  var rem = i;\n';
        for (let d = rank - 1; d >= 1; d--) body += `  let c${d} = rem % p.d${d}; rem = rem / p.d${d};\n`;
        if (rank > 0) body += '  let c0 = rem;\n';
      }
      const index = (j: number) => {
        if (direct[j]) return 'i';
        const terms = [`p.o${j}`];
        for (let d = 0; d < rank; d++) terms.push(`c${d} * p.st${j}_${d}`);
        return terms.join(' + ');
      };
      for (let j = 0; j < nIn; j++) {
        const value = v4 ? (vec[j] ? `in${j}[${index(j)}]` : `vec4<f32>(in${j}[${index(j)}])`) : load(`in${j}`, index(j), dtypes[j]);
        body += `  let ${NAMES[j]} = ${value};\n`;
      }
      const outDtype = dtypes[nIn];
      body += v4
        ? `  out[${index(nIn)}] = vec4<f32>(${vec4Source(expr)});\n`
        : `  out[${index(nIn)}] = ${store(`${computeType(outDtype)}(${expr})`, outDtype)};\n`;
      const decls =
        Array.from({ length: nIn }, (_, j) => storageDecl(j + 1, `in${j}`, dtypes[j], 'read', vec[j])).join('') +
        storageDecl(nIn + 1, 'out', outDtype, 'read_write', vec[nIn]);
      return `${enableF16(...dtypes)}${params.wgsl()}${decls}${helpersFor(v4 ? vec4Source(expr) : expr)}
${MAIN_1D}
  if (i >= p.n) { return; }
${body}}
`;
    },
  };
}

/** Elementwise kernels by key, so a call that repeats builds no ParamLayout or closures (host time per op counts on GPUs). */
const kernels = new Map<string, Kernel>();
/** Entries kept in each of this file's caches. */
const MAX_CACHED_KERNELS = 1024;

export function runElementwise(rt: Runtime, call: ElementwiseCall): void {
  const n = numel(call.shape);
  if (n === 0) return;
  const operands = [...call.inputs, call.out];
  const co = coalesce(call.shape, operands.map((o) => o.strides));
  if (co.shape.length > MAX_RANK) throw new Error(`${call.name}: iteration rank ${co.shape.length} exceeds ${MAX_RANK} after merging dims`);
  const scalarOps: Operand[] = operands.map((o, j) => operand(o.range, o.dtype, o.offset, co.strides[j], false));
  const v4 = vec4Plan(rt, call, co.shape, scalarOps);
  const shape = v4 ? v4.shape : co.shape;
  const ops = v4 ? v4.ops : scalarOps;
  const rank = shape.length;
  const count = numel(shape);
  const direct = ops.map((o) => (v4 ? o.vec : true) && isDirect(o, shape));
  const scalars = call.scalars ?? [];

  const key = [
    'ew', call.name, call.expr, `r${rank}`,
    ops.map((o, j) => `${o.dtype}${direct[j] ? 'd' : 's'}${v4 ? (o.vec ? 'v' : '1') : ''}`).join(','),
    scalars.map((s) => s.type).join(','),
  ].join('|');

  let kernel = kernels.get(key);
  if (!kernel) {
    // Kept in insertion order, the oldest dropped past the cap: a hit costs one lookup.
    kernel = buildKernel(key, {
      expr: call.expr,
      dtypes: ops.map((o) => o.dtype),
      vec: ops.map((o) => o.vec),
      direct,
      rank,
      v4: v4 !== null,
      scalarTypes: scalars.map((x) => x.type),
    });
    setMostRecent(kernels, key, kernel, MAX_CACHED_KERNELS);
  }

  const values: Record<string, number> = { n: count };
  shape.forEach((d, k) => (values[`d${k}`] = d));
  ops.forEach((o, j) => {
    if (direct[j]) return;
    values[`o${j}`] = o.offset;
    o.strides.forEach((st, k) => (values[`st${j}_${k}`] = st));
  });
  scalars.forEach((s, k) => (values[`s${k}`] = s.value));
  const [x, y] = splitWorkgroups(Math.ceil(count / WORKGROUP), rt.limits.maxComputeWorkgroupsPerDimension);
  rt.dispatch(kernel, ops.map((o) => o.range), values, [x, y]);
}
