import { ParamLayout } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { enableF16, load, splitWorkgroups, storageDecl, store } from './wgsl.js';

/**
 * Row-wise kernels over the last dim of a [rows, n] view: softmax,
 * log-softmax, layer norm, and their backwards.
 *
 * Variants, as for reductions:
 * - `thread`: one invocation per row, serial loops. On lavapipe this was 14×
 *   faster than TF.js's workgroup softmax: no barriers, and each lane streams
 *   one row through its cache.
 * - `workgroup`: one workgroup per row, lanes stride the row and combine
 *   partial results in shared memory. What GPUs want.
 */
export type RowVariant = 'thread' | 'workgroup';
export const ROW_WORKGROUP = 128;

export function chooseRowVariant(rt: Runtime, n: number): RowVariant {
  if (rt.adapter.isCPU) return 'thread';
  return n >= 64 ? 'workgroup' : 'thread';
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
  variant?: RowVariant;
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
  const variant = call.variant ?? chooseRowVariant(rt, call.n);
  const prog = PROGRAMS[call.op];
  const params = new ParamLayout().add('rows').add('n');
  const kernel: Kernel = {
    key: ['rows', call.op, variant, call.dtype].join('|'),
    params,
    storage: [...call.inputs.map(() => 'read' as const), 'read_write'],
    source: () => (variant === 'thread' ? threadSource(prog, call.dtype, params) : workgroupSource(prog, call.dtype, params)),
  };
  const groups = variant === 'thread' ? Math.ceil(call.rows / 64) : call.rows;
  const [x, y] = splitWorkgroups(groups, rt.limits.maxComputeWorkgroupsPerDimension);
  rt.dispatch(kernel, [...call.inputs, call.out], { rows: call.rows, n: call.n }, [x, y]);
}
