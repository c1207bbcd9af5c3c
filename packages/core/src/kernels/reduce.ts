import { ParamLayout } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { ReduceVariant } from '../runtime/policy.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { contiguousStrides, numel } from '../tensor/shape.js';
import { coalesce, useVec4 } from './elementwise.js';
import { computeType, enableF16, load, splitWorkgroups, storageDecl, store } from './wgsl.js';

export type ReduceOp = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

/**
 * How a reduction is spread over the device:
 * - `thread`: one invocation per output walks its whole reduction serially
 *   (Kahan-compensated for sums). CPU adapters (lavapipe) run this fastest:
 *   no barriers, long sequential loops.
 * - `workgroup`: one workgroup per output, lanes stride the reduction and
 *   combine in a shared-memory tree. What discrete GPUs want for long rows.
 */
export type { ReduceVariant };
export const REDUCE_WORKGROUP = 256;
/** On GPUs, rows at least this long use the workgroup variant. */
export const REDUCE_WORKGROUP_MIN_LENGTH = 256;

export interface ReduceCall {
  op: ReduceOp;
  input: BufferRange;
  dtype: DType;
  shape: readonly number[];
  /** Sorted, unique axes to reduce. */
  axes: readonly number[];
  out: BufferRange;
  outDtype: DType;
  /** Multiplies sums (mean = sum × 1/n). */
  scale?: number;
}

/**
 * The reduction layout: the profile's `reduce` entry, or under `auto`:
 * CPU adapters 'thread'; GPUs 'workgroup' for reductions of at least
 * REDUCE_WORKGROUP_MIN_LENGTH into fewer than 65536 outputs, else 'thread'.
 * Measurements: docs/perf/reduce.md.
 */
export function chooseReduceVariant(rt: Runtime, nOut: number, nRed: number): ReduceVariant {
  const { reduce, adapterClass } = rt.profile;
  if (reduce !== 'auto') return reduce;
  if (adapterClass === 'cpu') return 'thread';
  return nRed >= REDUCE_WORKGROUP_MIN_LENGTH && nOut < 65536 ? 'workgroup' : 'thread';
}

const isArg = (op: ReduceOp) => op === 'argmax' || op === 'argmin';

function initValue(op: ReduceOp, t: 'f32' | 'i32'): string {
  if (op === 'sum') return `${t}(0)`;
  const big = t === 'f32' ? '3.402823e38' : '2147483647';
  const small = t === 'f32' ? '-3.402823e38' : '(-2147483647 - 1)';
  return op === 'max' || op === 'argmax' ? `${t}(${small})` : `${t}(${big})`;
}

/** WGSL condition: candidate `v` replaces the running best `m`. */
function better(op: ReduceOp): string {
  return op === 'max' || op === 'argmax' ? '(v > m || v != v)' : '(v < m || v != v)';
}

export function runReduce(rt: Runtime, call: ReduceCall): void {
  const { shape, axes } = call;
  const strides = contiguousStrides(shape);
  const keptAxes = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const kept = coalesce(keptAxes.map((i) => shape[i]), [keptAxes.map((i) => strides[i])]);
  const red = coalesce(axes.map((i) => shape[i]), [axes.map((i) => strides[i])]);
  const nOut = numel(kept.shape);
  const nRed = numel(red.shape);
  if (nOut === 0) return;
  const variant = chooseReduceVariant(rt, nOut, nRed);
  const kr = kept.shape.length;
  const rr = red.shape.length;
  const redUnit = rr === 1 && red.strides[0][0] === 1;
  const ct = computeType(call.dtype);
  const op = call.op;
  // Column sums ([rows, n] over rows) in `thread` take four adjacent outputs per
  // invocation as vec4 where the kept inner dim is contiguous and divisible by 4
  // and useVec4 allows: docs/perf/reduce.md.
  const v4 =
    useVec4(rt) && variant === 'thread' && op === 'sum' && call.dtype === 'float32' && call.outDtype === 'float32' && kr > 0 &&
    kept.strides[0][kr - 1] === 1 && kept.shape[kr - 1] % 4 === 0 &&
    kept.strides[0].slice(0, -1).every((st) => st % 4 === 0) && red.strides[0].every((st) => st % 4 === 0);
  if (v4) {
    kept.shape[kr - 1] /= 4;
    kept.strides[0] = kept.strides[0].map((st, k) => (k === kr - 1 ? 1 : st / 4));
    red.strides[0] = red.strides[0].map((st) => st / 4);
  }
  const vOut = v4 ? nOut / 4 : nOut;
  const key = ['reduce', op, variant, call.dtype, call.outDtype, `k${kr}`, redUnit ? 'u' : `r${rr}`, v4 ? 'v4' : ''].join('|');

  const params = new ParamLayout().add('nOut').add('nRed').add('scale', 'f32');
  for (let k = 0; k < kr; k++) params.add(`kd${k}`).add(`ks${k}`);
  for (let k = 0; k < rr; k++) params.add(`rd${k}`).add(`rs${k}`);

  const baseCode = () => {
    let s = '  var rem = o;\n  var base = 0u;\n';
    for (let k = kr - 1; k >= 0; k--) s += `  base += (rem % p.kd${k}) * p.ks${k}; rem = rem / p.kd${k};\n`;
    return s;
  };
  const offsetCode = () => {
    if (redUnit) return '    let off = base + r;\n';
    let s = '    var rr = r;\n    var off = base;\n';
    for (let k = rr - 1; k >= 0; k--) s += `    off += (rr % p.rd${k}) * p.rs${k}; rr = rr / p.rd${k};\n`;
    return s;
  };
  const finish = (acc: string, idx: string) =>
    isArg(op) ? `i32(${idx})` : op === 'sum' ? store(`${acc} * ${ct}(p.scale)`, call.outDtype) : store(acc, call.outDtype);

  const threadSource = () => `${enableF16(call.dtype, call.outDtype)}${params.wgsl()}${storageDecl(1, 'x', call.dtype, 'read', v4)}${storageDecl(2, 'out', call.outDtype, 'read_write', v4)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = gid.x + gid.y * (nwg.x * 64u);
  if (o >= p.nOut) { return; }
${baseCode()}  var m = ${v4 ? 'vec4<f32>(0.0)' : initValue(op, ct)};
  var c = ${v4 ? 'vec4<f32>(0.0)' : `${ct}(0)`};
  var mi = 0u;
  for (var r = 0u; r < p.nRed; r++) {
${offsetCode()}    let v = ${v4 ? 'x[off]' : load('x', 'off', call.dtype)};
${op === 'sum'
    ? ct === 'f32'
      ? '    let y = v - c; let t = m + y; c = (t - m) - y; m = t;\n'
      : '    m += v;\n'
    : `    if (${better(op)}) { m = v; mi = r; }\n`}  }
  out[o] = ${v4 ? 'm * p.scale' : finish('m', 'mi')};
}
`;

  const W = REDUCE_WORKGROUP;
  const wgSource = () => `${enableF16(call.dtype, call.outDtype)}${params.wgsl()}${storageDecl(1, 'x', call.dtype, 'read')}${storageDecl(2, 'out', call.outDtype, 'read_write')}
var<workgroup> sv: array<${ct}, ${W}>;
var<workgroup> si: array<u32, ${W}>;
@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let o = wid.x + wid.y * nwg.x;
  let inRange = o < p.nOut;
${baseCode()}  var m = ${initValue(op, ct)};
  var mi = 0u;
  if (inRange) {
    for (var r = lid; r < p.nRed; r += ${W}u) {
${offsetCode()}      let v = ${load('x', 'off', call.dtype)};
${op === 'sum' ? '      m += v;\n' : `      if (${better(op)}) { m = v; mi = r; }\n`}    }
  }
  sv[lid] = m;
  si[lid] = mi;
  workgroupBarrier();
  for (var s = ${W / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) {
${op === 'sum'
    ? '      sv[lid] += sv[lid + s];\n'
    : `      let v = sv[lid + s]; let m = sv[lid];
      // ties keep the lower index, as a serial scan would
      if (${better(op)} || (v == m && si[lid + s] < si[lid])) { sv[lid] = v; si[lid] = si[lid + s]; }\n`}    }
    workgroupBarrier();
  }
  if (inRange && lid == 0u) { out[o] = ${finish('sv[0]', 'si[0]')}; }
}
`;

  const kernel: Kernel = { key, params, storage: ['read', 'read_write'], source: variant === 'thread' ? threadSource : wgSource };
  const values: Record<string, number> = { nOut: vOut, nRed, scale: call.scale ?? 1 };
  kept.shape.forEach((d, k) => {
    values[`kd${k}`] = d;
    values[`ks${k}`] = kept.strides[0][k];
  });
  red.shape.forEach((d, k) => {
    values[`rd${k}`] = d;
    values[`rs${k}`] = red.strides[0][k];
  });
  const groups = variant === 'thread' ? Math.ceil(vOut / 64) : nOut;
  const [x, y] = splitWorkgroups(groups, rt.limits.maxComputeWorkgroupsPerDimension);
  rt.dispatch(kernel, [call.input, call.out], values, [x, y]);
}
