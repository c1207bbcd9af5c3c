import { ParamLayout } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { butterfly, fold4, laneLoop, rowsAsVec4, subgroupRowGroups, subgroupRowHeader } from './row-lanes.js';
import { ROW_WORKGROUP, cachedPerLane, chooseRowVariant, requireRowLanes, type RowVariant } from './rows.js';
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

/** How one kernel walks its rows: the variant, and for `subgroup` its lanes per row and whether rows are read as vec4. */
interface RowLayout {
  variant: RowVariant;
  lanes: number;
  vec4: boolean;
  /** vec4s per lane kept in registers (`subgroup` with short rows; 0: rows are streamed each pass). */
  per: number;
}

function layoutFor(rt: Runtime, variant: RowVariant, dtype: DType, n: number): RowLayout {
  if (variant !== 'subgroup') return { variant, lanes: 0, vec4: false, per: 0 };
  const lanes = requireRowLanes(rt);
  const vec4 = rowsAsVec4(dtype, n);
  return { variant, lanes, vec4, per: cachedPerLane(n, lanes, vec4) };
}

function layoutKey(l: RowLayout): string {
  return l.variant === 'subgroup' ? `subgroup|l${l.lanes}${l.vec4 ? 'v4' : ''}${l.per ? `c${l.per}` : ''}` : l.variant;
}

/** Cached layouts: loads each lane's share of the named row arrays into registers c<name>, once. */
function cacheRows(l: RowLayout, arrays: readonly string[]): string {
  if (l.per === 0) return '';
  return `${arrays.map((a) => `  var c${a}: array<vec4<f32>, ${l.per}>;\n`).join('')}${laneLoop(l.lanes, l.per, arrays.map((a) => `c${a}[t] = ${a}[base + j];`).join(' '))}`;
}

/** A row array's element at j: from registers under a cached layout. */
function rowAt(l: RowLayout, arr: string, dtype: DType): string {
  return l.per > 0 ? `c${arr}[t]` : ld(l, arr, 'base + j', dtype);
}

function groupsFor(l: RowLayout, rows: number): number {
  return l.variant === 'thread' ? Math.ceil(rows / 64) : l.variant === 'subgroup' ? subgroupRowGroups(rows, l.lanes) : rows;
}

/** Storage declaration: vec4 elements for the row-shaped arrays of a vec4 layout. */
function decl(l: RowLayout, binding: number, name: string, dtype: DType, access: 'read' | 'read_write'): string {
  return storageDecl(binding, name, dtype, access, l.vec4);
}

function rowHeader(l: RowLayout): string {
  if (l.variant === 'subgroup') return subgroupRowHeader(l.lanes, l.vec4);
  return l.variant === 'thread'
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
function rowSum(l: RowLayout, name: string, expr: string): string {
  if (l.variant === 'subgroup') {
    return `  var ${name}_part = ${l.vec4 ? 'vec4<f32>(0.0)' : '0.0'};
${laneLoop(l.lanes, l.per, `${name}_part += ${expr};`)}  var ${name} = ${l.vec4 ? fold4(`${name}_part`, '+') : `${name}_part`};
${butterfly(name, l.lanes, '+')}`;
  }
  if (l.variant === 'thread') {
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

function loopAll(l: RowLayout, body: string): string {
  if (l.variant === 'subgroup') return laneLoop(l.lanes, l.per, body);
  return l.variant === 'thread'
    ? `  for (var j = 0u; j < p.n; j++) { ${body} }\n`
    : `  if (!inRange) { return; }\n  for (var j = lid; j < p.n; j += ${W}u) { ${body} }\n`;
}

/** Stores one row statistic: once per row, by the row's first lane where lanes share it. */
function storeStat(l: RowLayout, stmt: string): string {
  if (l.variant === 'thread') return `  ${stmt}\n`;
  return l.variant === 'subgroup' ? `  if (lane == 0u && row < p.rows) { ${stmt} }\n` : `  if (inRange && lid == 0u) { ${stmt} }\n`;
}

/** Loads element `idx` of a row-shaped array: a vec4 under a vec4 layout, else the compute type. */
function ld(l: RowLayout, arr: string, idx: string, dtype: DType): string {
  return l.vec4 ? `${arr}[${idx}]` : load(arr, idx, dtype);
}

function st(l: RowLayout, expr: string, dtype: DType): string {
  return l.vec4 ? expr : store(expr, dtype);
}

export function runLayerNormForward(rt: Runtime, c: LayerNormForwardCall): void {
  if (c.rows === 0 || c.n === 0) return;
  const t = c.dtype;
  const l = layoutFor(rt, c.variant ?? chooseRowVariant(rt, c.n), t, c.n);
  const params = new ParamLayout().add('rows').add('n').add('eps', 'f32').add('invN', 'f32');
  const x = rowAt(l, 'x', t);
  const source = () => `${l.variant === 'subgroup' ? 'enable subgroups;\n' : ''}${enableF16(t)}${params.wgsl()}${decl(l, 1, 'x', t, 'read')}${decl(l, 2, 'gamma', t, 'read')}${decl(l, 3, 'beta', t, 'read')}${decl(l, 4, 'y', t, 'read_write')}${storageDecl(5, 'meanOut', 'float32', 'read_write')}${storageDecl(6, 'rstdOut', 'float32', 'read_write')}
${rowHeader(l)}${cacheRows(l, ['x'])}${rowSum(l, 'sx', x)}  let mean = sx * p.invN;
${rowSum(l, 'sq', `(${x} - mean) * (${x} - mean)`)}  let rstd = inverseSqrt(sq * p.invN + p.eps);
${storeStat(l, 'meanOut[row] = mean; rstdOut[row] = rstd;')}${loopAll(l, `y[base + j] = ${st(l, `(${x} - mean) * rstd * ${ld(l, 'gamma', 'j', t)} + ${ld(l, 'beta', 'j', t)}`, t)};`)}}
`;
  const kernel: Kernel = { key: `layernorm|fwd|${layoutKey(l)}|${t}`, params, storage: ['read', 'read', 'read', 'read_write', 'read_write', 'read_write'], source };
  rt.dispatch(kernel, [c.x, c.gamma, c.beta, c.y, c.mean, c.rstd], { rows: c.rows, n: c.n, eps: c.eps, invN: 1 / c.n }, splitWorkgroups(groupsFor(l, c.rows), rt.limits.maxComputeWorkgroupsPerDimension));
}

export function runLayerNormBackward(rt: Runtime, c: LayerNormBackwardCall): void {
  if (c.rows === 0 || c.n === 0) return;
  const t = c.dtype;
  const l = layoutFor(rt, c.variant ?? chooseRowVariant(rt, c.n), t, c.n);
  const params = new ParamLayout().add('rows').add('n').add('invN', 'f32');
  const xhat = `((${rowAt(l, 'x', t)} - mean) * rstd)`;
  const dxhat = `(${rowAt(l, 'g', t)} * ${ld(l, 'gamma', 'j', t)})`;
  const source = () => `${l.variant === 'subgroup' ? 'enable subgroups;\n' : ''}${enableF16(t)}${params.wgsl()}${decl(l, 1, 'x', t, 'read')}${decl(l, 2, 'gamma', t, 'read')}${storageDecl(3, 'meanIn', 'float32', 'read')}${storageDecl(4, 'rstdIn', 'float32', 'read')}${decl(l, 5, 'g', t, 'read')}${decl(l, 6, 'dx', t, 'read_write')}
${rowHeader(l)}${cacheRows(l, ['x', 'g'])}  let mean = meanIn[min(row, p.rows - 1u)];
  let rstd = rstdIn[min(row, p.rows - 1u)];
${rowSum(l, 'sd', dxhat)}${rowSum(l, 'sdx', `${dxhat} * ${xhat}`)}  let md = sd * p.invN;
  let mdx = sdx * p.invN;
${loopAll(l, `dx[base + j] = ${st(l, `rstd * (${dxhat} - md - ${xhat} * mdx)`, t)};`)}}
`;
  const kernel: Kernel = { key: `layernorm|bwd|${layoutKey(l)}|${t}`, params, storage: ['read', 'read', 'read', 'read', 'read', 'read_write'], source };
  rt.dispatch(kernel, [c.x, c.gamma, c.mean, c.rstd, c.g, c.dx], { rows: c.rows, n: c.n, invN: 1 / c.n }, splitWorkgroups(groupsFor(l, c.rows), rt.limits.maxComputeWorkgroupsPerDimension));
}
