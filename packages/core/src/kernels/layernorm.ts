import { ParamLayout } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { ROW_WORKGROUP, chooseRowVariant, type RowVariant } from './rows.js';
import { enableF16, load, splitWorkgroups, storageDecl, store } from './wgsl.js';

/**
 * Layer norm over the last dim. Forward writes y and the per-row mean and
 * 1/σ (f32) that backward reuses; backward writes dx only — dγ and dβ are
 * column sums the ops layer takes with the reduce kernels.
 * Variance is two-pass (mean first), as PyTorch does, to avoid cancellation.
 */
export interface LayerNormForwardCall {
  x: BufferRange;
  gamma: BufferRange;
  beta: BufferRange;
  y: BufferRange;
  mean: BufferRange;
  rstd: BufferRange;
  dtype: DType;
  rows: number;
  n: number;
  eps: number;
  variant?: RowVariant;
}

export interface LayerNormBackwardCall {
  x: BufferRange;
  gamma: BufferRange;
  mean: BufferRange;
  rstd: BufferRange;
  g: BufferRange;
  dx: BufferRange;
  dtype: DType;
  rows: number;
  n: number;
  variant?: RowVariant;
}

const W = ROW_WORKGROUP;

const treeSum = (v: string) => `  sh[lid] = ${v};
  workgroupBarrier();
  for (var s = ${W / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { sh[lid] = sh[lid] + sh[lid + s]; }
    workgroupBarrier();
  }
`;

function rowHeader(variant: RowVariant): string {
  return variant === 'thread'
    ? `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * (nwg.x * 64u);
  if (row >= p.rows) { return; }
  let base = row * p.n;
`
    : `var<workgroup> sh: array<f32, ${W}>;
@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let row = wid.x + wid.y * nwg.x;
  let inRange = row < p.rows;
  let base = row * p.n;
`;
}

/** A sum over the row of `expr` (which may use `j`), into `name`. */
function rowSum(variant: RowVariant, name: string, expr: string): string {
  if (variant === 'thread') {
    return `  var ${name} = 0.0;
  { var comp = 0.0;
    for (var j = 0u; j < p.n; j++) { let y = (${expr}) - comp; let t = ${name} + y; comp = (t - ${name}) - y; ${name} = t; } }
`;
  }
  return `  var ${name}_part = 0.0;
  if (inRange) { for (var j = lid; j < p.n; j += ${W}u) { ${name}_part += ${expr}; } }
${treeSum(`${name}_part`)}  let ${name} = sh[0];
  workgroupBarrier();
`;
}

function loopAll(variant: RowVariant, body: string): string {
  return variant === 'thread'
    ? `  for (var j = 0u; j < p.n; j++) { ${body} }\n`
    : `  if (!inRange) { return; }\n  for (var j = lid; j < p.n; j += ${W}u) { ${body} }\n`;
}

export function runLayerNormForward(rt: Runtime, c: LayerNormForwardCall): void {
  if (c.rows === 0 || c.n === 0) return;
  const variant = c.variant ?? chooseRowVariant(rt, c.n);
  const t = c.dtype;
  const params = new ParamLayout().add('rows').add('n').add('eps', 'f32').add('invN', 'f32');
  const x = (j: string) => load('x', `base + ${j}`, t);
  const source = () => `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'x', t, 'read')}${storageDecl(2, 'gamma', t, 'read')}${storageDecl(3, 'beta', t, 'read')}${storageDecl(4, 'y', t, 'read_write')}${storageDecl(5, 'meanOut', 'float32', 'read_write')}${storageDecl(6, 'rstdOut', 'float32', 'read_write')}
${rowHeader(variant)}${rowSum(variant, 'sx', x('j'))}  let mean = sx * p.invN;
${rowSum(variant, 'sq', `(${x('j')} - mean) * (${x('j')} - mean)`)}  let rstd = inverseSqrt(sq * p.invN + p.eps);
${variant === 'thread' ? '  meanOut[row] = mean; rstdOut[row] = rstd;\n' : '  if (inRange && lid == 0u) { meanOut[row] = mean; rstdOut[row] = rstd; }\n'}${loopAll(variant, `y[base + j] = ${store(`(${x('j')} - mean) * rstd * ${load('gamma', 'j', t)} + ${load('beta', 'j', t)}`, t)};`)}}
`;
  const kernel: Kernel = { key: `layernorm|fwd|${variant}|${t}`, params, storage: ['read', 'read', 'read', 'read_write', 'read_write', 'read_write'], source };
  const groups = variant === 'thread' ? Math.ceil(c.rows / 64) : c.rows;
  rt.dispatch(kernel, [c.x, c.gamma, c.beta, c.y, c.mean, c.rstd], { rows: c.rows, n: c.n, eps: c.eps, invN: 1 / c.n }, splitWorkgroups(groups, rt.limits.maxComputeWorkgroupsPerDimension));
}

export function runLayerNormBackward(rt: Runtime, c: LayerNormBackwardCall): void {
  if (c.rows === 0 || c.n === 0) return;
  const variant = c.variant ?? chooseRowVariant(rt, c.n);
  const t = c.dtype;
  const params = new ParamLayout().add('rows').add('n').add('invN', 'f32');
  const xhat = (j: string) => `((${load('x', `base + ${j}`, t)} - mean) * rstd)`;
  const dxhat = (j: string) => `(${load('g', `base + ${j}`, t)} * ${load('gamma', j, t)})`;
  const source = () => `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'x', t, 'read')}${storageDecl(2, 'gamma', t, 'read')}${storageDecl(3, 'meanIn', 'float32', 'read')}${storageDecl(4, 'rstdIn', 'float32', 'read')}${storageDecl(5, 'g', t, 'read')}${storageDecl(6, 'dx', t, 'read_write')}
${rowHeader(variant)}  let mean = meanIn[min(row, p.rows - 1u)];
  let rstd = rstdIn[min(row, p.rows - 1u)];
${rowSum(variant, 'sd', dxhat('j'))}${rowSum(variant, 'sdx', `${dxhat('j')} * ${xhat('j')}`)}  let md = sd * p.invN;
  let mdx = sdx * p.invN;
${loopAll(variant, `dx[base + j] = ${store(`rstd * (${dxhat('j')} - md - ${xhat('j')} * mdx)`, t)};`)}}
`;
  const kernel: Kernel = { key: `layernorm|bwd|${variant}|${t}`, params, storage: ['read', 'read', 'read', 'read', 'read', 'read_write'], source };
  const groups = variant === 'thread' ? Math.ceil(c.rows / 64) : c.rows;
  rt.dispatch(kernel, [c.x, c.gamma, c.mean, c.rstd, c.g, c.dx], { rows: c.rows, n: c.n, invN: 1 / c.n }, splitWorkgroups(groups, rt.limits.maxComputeWorkgroupsPerDimension));
}
