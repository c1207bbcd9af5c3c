import { ParamLayout } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { RowVariant } from '../runtime/policy.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { butterfly, fold4, laneLoop, rowLanes, rowsAsVec4, subgroupRowGroups, subgroupRowHeader } from './row-lanes.js';
import { enableF16, load, splitWorkgroups, storageDecl, store } from './wgsl.js';

/**
 * Row-wise kernels over the last dim of a [rows, n] view: softmax,
 * log-softmax, layer norm, and their backwards.
 *
 * Variants, as for reductions:
 * - `thread`: one invocation per row, serial loops. On lavapipe this was 14×
 *   faster than TF.js's workgroup softmax: no barriers, and each lane streams
 *   one row through its cache.
 * - `subgroup`: a few lanes of one subgroup per row, vec4 loads where the
 *   row allows, partials combined by shuffles (row-lanes.ts). Faster than
 *   `thread` on lavapipe; CPU adapters take it where they have subgroups.
 * - `workgroup`: one workgroup per row, lanes stride the row and combine
 *   partial results in shared memory. What GPUs want.
 */
export type { RowVariant };
export const ROW_WORKGROUP = 128;

/**
 * The row layout: the profile's `rows` entry, or under `auto`: CPU adapters
 * 'subgroup' where they have subgroups, else 'thread'; GPUs 'workgroup' for
 * rows of 64 or more, else 'thread'. Measurements: docs/perf/rows.md.
 */
export function chooseRowVariant(rt: Runtime, n: number): RowVariant {
  const { rows, adapterClass } = rt.profile;
  if (rows !== 'auto') return rows;
  if (adapterClass === 'cpu') return rowLanes(rt) > 0 ? 'subgroup' : 'thread';
  return n >= 64 ? 'workgroup' : 'thread';
}

/** The lanes a `subgroup` row kernel uses, or an error naming what the adapter lacks. */
export function requireRowLanes(rt: Runtime): number {
  const lanes = rowLanes(rt);
  if (lanes === 0) throw new Error(`row kernels: the 'subgroup' variant needs the adapter feature 'subgroups' with subgroups of at least 2 lanes`);
  return lanes;
}

export type RowOp =
  /** y = softmax(x) */
  | 'softmax'
  /** y = log_softmax(x) */
  | 'logsoftmax'
  /** dx = y ⊙ (g − Σ g⊙y), inputs (y, g) */
  | 'softmax_grad'
  /** dx = g − exp(y) Σ g, inputs (y, g) */
  | 'logsoftmax_grad';

export interface RowCall {
  op: RowOp;
  inputs: BufferRange[];
  out: BufferRange;
  dtype: DType;
  rows: number;
  n: number;
}

/**
 * Each row op is two passes of reductions plus a write; expressed once as
 * (pass-1 reduce, pass-2 reduce, output expression) and emitted for both variants.
 */
interface RowProgram {
  /** Inputs loaded per element, named x0, x1. */
  nIn: number;
  /** First reduction: max (for softmax stability) or sum. */
  r1: { kind: 'max' | 'sum'; expr: string } | null;
  /** Second reduction, may use `m1`. */
  r2: { kind: 'sum'; expr: string } | null;
  /** Output per element, may use m1, s2. */
  out: string;
}

const PROGRAMS: Record<RowOp, RowProgram> = {
  softmax: { nIn: 1, r1: { kind: 'max', expr: 'x0' }, r2: { kind: 'sum', expr: 'exp(x0 - m1)' }, out: 'exp(x0 - m1) / s2' },
  logsoftmax: { nIn: 1, r1: { kind: 'max', expr: 'x0' }, r2: { kind: 'sum', expr: 'exp(x0 - m1)' }, out: 'x0 - m1 - log(s2)' },
  softmax_grad: { nIn: 2, r1: { kind: 'sum', expr: 'x0 * x1' }, r2: null, out: 'x0 * (x1 - m1)' },
  logsoftmax_grad: { nIn: 2, r1: { kind: 'sum', expr: 'x1' }, r2: null, out: 'x1 - exp(x0) * m1' },
};

function loads(prog: RowProgram, dtype: DType, idx: string): string {
  let s = '';
  for (let j = 0; j < prog.nIn; j++) s += `let x${j} = ${load(`in${j}`, idx, dtype)}; `;
  return s;
}

function threadSource(prog: RowProgram, dtype: DType, params: ParamLayout): string {
  const decls = Array.from({ length: prog.nIn }, (_, j) => storageDecl(j + 1, `in${j}`, dtype, 'read')).join('') + storageDecl(prog.nIn + 1, 'out', dtype, 'read_write');
  const r1 = prog.r1!;
  return `${enableF16(dtype)}${params.wgsl()}${decls}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * (nwg.x * 64u);
  if (row >= p.rows) { return; }
  let base = row * p.n;
  var m1 = ${r1.kind === 'max' ? '-3.402823e38' : '0.0'};
  var c1 = 0.0;
  for (var j = 0u; j < p.n; j++) {
    ${loads(prog, dtype, 'base + j')}
    ${r1.kind === 'max' ? `m1 = max(m1, ${r1.expr});` : `let y = (${r1.expr}) - c1; let t = m1 + y; c1 = (t - m1) - y; m1 = t;`}
  }
${prog.r2 ? `  var s2 = 0.0;
  var c2 = 0.0;
  for (var j = 0u; j < p.n; j++) {
    ${loads(prog, dtype, 'base + j')}
    let y = (${prog.r2.expr}) - c2; let t = s2 + y; c2 = (t - s2) - y; s2 = t;
  }
` : ''}  for (var j = 0u; j < p.n; j++) {
    ${loads(prog, dtype, 'base + j')}
    out[base + j] = ${store(prog.out, dtype)};
  }
}
`;
}

/**
 * Rows short enough that each lane's share fits in registers (vec4s per lane,
 * rounded up to a power of two, at most this) are loaded once and kept,
 * instead of being read again by each of the two or three passes. Softmax
 * [1536×128] (4 per lane) went 0.57 → ~0.36 ms on lavapipe, and measured
 * 0.39 vs 0.60 again on 2026-11-26 ([1536×256], 8 per lane: the same either
 * way); longer rows stream. Layer norm does not use this (layernorm-subgroup.ts).
 */
export const MAX_CACHED_VEC4_PER_LANE = 8;

/** vec4s per lane to keep in registers for rows of n elements (0: stream the row each pass). */
export function cachedPerLane(n: number, lanes: number, vec4: boolean): number {
  if (!vec4) return 0;
  const need = Math.ceil(n / 4 / lanes);
  let per = 1;
  while (per < need) per *= 2;
  return per <= MAX_CACHED_VEC4_PER_LANE ? per : 0;
}

function subgroupSource(prog: RowProgram, dtype: DType, params: ParamLayout, lanes: number, vec4: boolean, per: number): string {
  const decls = Array.from({ length: prog.nIn }, (_, j) => storageDecl(j + 1, `in${j}`, dtype, 'read', vec4)).join('') + storageDecl(prog.nIn + 1, 'out', dtype, 'read_write', vec4);
  const r1 = prog.r1!;
  const T = vec4 ? 'vec4<f32>' : 'f32';
  const ins = Array.from({ length: prog.nIn }, (_, j) => j);
  // Streaming: every pass loads from storage. Cached: the first pass loads into c0…, later passes read those.
  const ld = (idx: string) => (vec4 ? ins.map((j) => `let x${j} = in${j}[${idx}]; `).join('') : loads(prog, dtype, idx));
  const fold = (v: string, op: 'max' | '+') => (vec4 ? fold4(v, op) : v);
  const op1 = r1.kind === 'max' ? 'max' : '+';
  const fetch = (first: boolean) =>
    per === 0 ? ld('base + j') : ins.map((k) => (first ? `let x${k} = in${k}[base + j]; c${k}[t] = x${k}; ` : `let x${k} = c${k}[t]; `)).join('');
  const pass = (first: boolean, body: string) => laneLoop(lanes, per, `${fetch(first)}${body}`);
  return `enable subgroups;
${enableF16(dtype)}${params.wgsl()}${decls}
${subgroupRowHeader(lanes, vec4)}${per > 0 ? ins.map((k) => `  var c${k}: array<vec4<f32>, ${per}>;\n`).join('') : ''}  var a1 = ${T}(${r1.kind === 'max' ? '-3.402823e38' : '0.0'});
${pass(true, r1.kind === 'max' ? `a1 = max(a1, ${r1.expr});` : `a1 += ${r1.expr};`)}  var m1 = ${fold('a1', op1)};
${butterfly('m1', lanes, op1)}${prog.r2 ? `  var a2 = ${T}(0.0);
${pass(false, `a2 += ${prog.r2.expr};`)}  var s2 = ${fold('a2', '+')};
${butterfly('s2', lanes, '+')}` : ''}${pass(false, `out[base + j] = ${vec4 ? prog.out : store(prog.out, dtype)};`)}}
`;
}

function workgroupSource(prog: RowProgram, dtype: DType, params: ParamLayout): string {
  const W = ROW_WORKGROUP;
  const decls = Array.from({ length: prog.nIn }, (_, j) => storageDecl(j + 1, `in${j}`, dtype, 'read')).join('') + storageDecl(prog.nIn + 1, 'out', dtype, 'read_write');
  const r1 = prog.r1!;
  const tree = (kind: 'max' | 'sum') => `  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${W / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { sh[lid] = ${kind === 'max' ? 'max(sh[lid], sh[lid + s])' : 'sh[lid] + sh[lid + s]'}; }
    workgroupBarrier();
  }
`;
  return `${enableF16(dtype)}${params.wgsl()}${decls}
var<workgroup> sh: array<f32, ${W}>;
@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let row = wid.x + wid.y * nwg.x;
  let inRange = row < p.rows;
  let base = row * p.n;
  var acc = ${r1.kind === 'max' ? '-3.402823e38' : '0.0'};
  if (inRange) {
    for (var j = lid; j < p.n; j += ${W}u) {
      ${loads(prog, dtype, 'base + j')}
      ${r1.kind === 'max' ? `acc = max(acc, ${r1.expr});` : `acc += ${r1.expr};`}
    }
  }
${tree(r1.kind)}  let m1 = sh[0];
  workgroupBarrier();
${prog.r2 ? `  acc = 0.0;
  if (inRange) {
    for (var j = lid; j < p.n; j += ${W}u) {
      ${loads(prog, dtype, 'base + j')}
      acc += ${prog.r2.expr};
    }
  }
${tree('sum')}  let s2 = sh[0];
` : ''}  if (!inRange) { return; }
  for (var j = lid; j < p.n; j += ${W}u) {
    ${loads(prog, dtype, 'base + j')}
    out[base + j] = ${store(prog.out, dtype)};
  }
}
`;
}

export function runRows(rt: Runtime, call: RowCall): void {
  if (call.rows === 0 || call.n === 0) return;
  const variant = chooseRowVariant(rt, call.n);
  const prog = PROGRAMS[call.op];
  const params = new ParamLayout().add('rows').add('n');
  const lanes = variant === 'subgroup' ? requireRowLanes(rt) : 0;
  const vec4 = variant === 'subgroup' && rowsAsVec4(call.dtype, call.n);
  const per = variant === 'subgroup' ? cachedPerLane(call.n, lanes, vec4) : 0;
  const kernel: Kernel = {
    key: ['rows', call.op, variant, call.dtype, lanes ? `l${lanes}${vec4 ? 'v4' : ''}${per ? `c${per}` : ''}` : ''].join('|'),
    params,
    storage: [...call.inputs.map(() => 'read' as const), 'read_write'],
    source: () =>
      variant === 'thread' ? threadSource(prog, call.dtype, params) : variant === 'subgroup' ? subgroupSource(prog, call.dtype, params, lanes, vec4, per) : workgroupSource(prog, call.dtype, params),
  };
  const groups = variant === 'thread' ? Math.ceil(call.rows / 64) : variant === 'subgroup' ? subgroupRowGroups(call.rows, lanes) : call.rows;
  const [x, y] = splitWorkgroups(groups, rt.limits.maxComputeWorkgroupsPerDimension);
  rt.dispatch(kernel, [...call.inputs, call.out], { rows: call.rows, n: call.n }, [x, y]);
}
