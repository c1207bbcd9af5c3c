import { ParamLayout } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { LAYERNORM_ROWS_PER_SUBGROUP, layerNormBackwardSubgroupSource, layerNormForwardSubgroupSource, layerNormSubgroupGroups, type LaneLayout } from './layernorm-subgroup.js';
import { rowsAsVec4 } from './row-lanes.js';
import { ROW_WORKGROUP, chooseRowVariant, requireRowLanes, type RowVariant } from './rows.js';
import { enableF16, load, splitWorkgroups, storageDecl, store } from './wgsl.js';

/**
 * Layer norm over the last dim. Forward writes y and the per-row mean and
 * 1/σ (f32) that backward reuses; backward writes dx only — dγ and dβ are
 * column sums the ops layer takes with the reduce kernels.
 * Variance never comes from E[x²] − E[x]² (cancellation): `thread` and
 * `workgroup` take it in a second pass around the mean, `subgroup` by Welford.
 * The mean pass sums x − x₀ (x₀ the row's first element): rows far from zero
 * then lose no digits to the sum's magnitude (a `thread` lane adds the whole
 * row serially, and LLVM may fold away a compensated sum's correction).
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
}

const W = ROW_WORKGROUP;

const treeSum = (v: string) => `  sh[lid] = ${v};
  workgroupBarrier();
  for (var s = ${W / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { sh[lid] = sh[lid] + sh[lid + s]; }
    workgroupBarrier();
  }
`;

/** How one kernel walks its rows: `thread` or `workgroup` here; `subgroup` in layernorm-subgroup.ts. */
type BasicVariant = Exclude<RowVariant, 'subgroup'>;

function laneLayout(rt: Runtime, dtype: DType, n: number): LaneLayout {
  return { lanes: requireRowLanes(rt), vec4: rowsAsVec4(dtype, n) };
}

function laneKey(l: LaneLayout): string {
  return `subgroup|l${l.lanes}${l.vec4 ? 'v4' : ''}r${LAYERNORM_ROWS_PER_SUBGROUP}`;
}

function groupsFor(rt: Runtime, variant: RowVariant, l: LaneLayout | null, rows: number): [number, number] {
  const groups = variant === 'thread' ? Math.ceil(rows / 64) : l ? layerNormSubgroupGroups(rows, l.lanes) : rows;
  return splitWorkgroups(groups, rt.limits.maxComputeWorkgroupsPerDimension);
}

function rowHeader(v: BasicVariant): string {
  return v === 'thread'
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
function rowSum(v: BasicVariant, name: string, expr: string): string {
  if (v === 'thread') {
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

function loopAll(v: BasicVariant, body: string): string {
  return v === 'thread' ? `  for (var j = 0u; j < p.n; j++) { ${body} }\n` : `  if (!inRange) { return; }\n  for (var j = lid; j < p.n; j += ${W}u) { ${body} }\n`;
}

/** Stores one row statistic: once per row, by the row's first lane where lanes share it. */
function storeStat(v: BasicVariant, stmt: string): string {
  return v === 'thread' ? `  ${stmt}\n` : `  if (inRange && lid == 0u) { ${stmt} }\n`;
}

/** The kernel key suffix and WGSL of one layer norm direction: the subgroup layout's, or a basic variant's. */
function chooseSource(
  rt: Runtime,
  variant: RowVariant,
  dtype: DType,
  n: number,
  subgroupSource: (l: LaneLayout) => string,
  basicSource: (v: BasicVariant) => string,
): { key: string; source: () => string; lanes: LaneLayout | null } {
  if (variant === 'subgroup') {
    const lanes = laneLayout(rt, dtype, n);
    return { key: laneKey(lanes), source: () => subgroupSource(lanes), lanes };
  }
  return { key: variant, source: () => basicSource(variant), lanes: null };
}

export function runLayerNormForward(rt: Runtime, c: LayerNormForwardCall): void {
  if (c.rows === 0 || c.n === 0) return;
  const t = c.dtype;
  const variant = chooseRowVariant(rt, c.n);
  const params = new ParamLayout().add('rows').add('n').add('eps', 'f32').add('invN', 'f32');
  const x = load('x', 'base + j', t);
  const { key, source, lanes } = chooseSource(rt, variant, t, c.n, (l) => layerNormForwardSubgroupSource(l, t, params), (v) => `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'x', t, 'read')}${storageDecl(2, 'gamma', t, 'read')}${storageDecl(3, 'beta', t, 'read')}${storageDecl(4, 'y', t, 'read_write')}${storageDecl(5, 'meanOut', 'float32', 'read_write')}${storageDecl(6, 'rstdOut', 'float32', 'read_write')}
${rowHeader(v)}  let shift = ${load('x', 'min(row, p.rows - 1u) * p.n', t)};
${rowSum(v, 'sx', `${x} - shift`)}  let mean = shift + sx * p.invN;
${rowSum(v, 'sq', `(${x} - mean) * (${x} - mean)`)}  let rstd = inverseSqrt(sq * p.invN + p.eps);
${storeStat(v, 'meanOut[row] = mean; rstdOut[row] = rstd;')}${loopAll(v, `y[base + j] = ${store(`(${x} - mean) * rstd * ${load('gamma', 'j', t)} + ${load('beta', 'j', t)}`, t)};`)}}
`);
  const kernel: Kernel = { key: `layernorm|fwd|${key}|${t}`, params, storage: ['read', 'read', 'read', 'read_write', 'read_write', 'read_write'], source };
  rt.dispatch(kernel, [c.x, c.gamma, c.beta, c.y, c.mean, c.rstd], { rows: c.rows, n: c.n, eps: c.eps, invN: 1 / c.n }, groupsFor(rt, variant, lanes, c.rows));
}

export function runLayerNormBackward(rt: Runtime, c: LayerNormBackwardCall): void {
  if (c.rows === 0 || c.n === 0) return;
  const t = c.dtype;
  const variant = chooseRowVariant(rt, c.n);
  const params = new ParamLayout().add('rows').add('n').add('invN', 'f32');
  const xhat = `((${load('x', 'base + j', t)} - mean) * rstd)`;
  const dxhat = `(${load('g', 'base + j', t)} * ${load('gamma', 'j', t)})`;
  const { key, source, lanes } = chooseSource(rt, variant, t, c.n, (l) => layerNormBackwardSubgroupSource(l, t, params), (v) => `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'x', t, 'read')}${storageDecl(2, 'gamma', t, 'read')}${storageDecl(3, 'meanIn', 'float32', 'read')}${storageDecl(4, 'rstdIn', 'float32', 'read')}${storageDecl(5, 'g', t, 'read')}${storageDecl(6, 'dx', t, 'read_write')}
${rowHeader(v)}  let mean = meanIn[min(row, p.rows - 1u)];
  let rstd = rstdIn[min(row, p.rows - 1u)];
${rowSum(v, 'sd', dxhat)}${rowSum(v, 'sdx', `${dxhat} * ${xhat}`)}  let md = sd * p.invN;
  let mdx = sdx * p.invN;
${loopAll(v, `dx[base + j] = ${store(`rstd * (${dxhat} - md - ${xhat} * mdx)`, t)};`)}}
`);
  const kernel: Kernel = { key: `layernorm|bwd|${key}|${t}`, params, storage: ['read', 'read', 'read', 'read', 'read', 'read_write'], source };
  rt.dispatch(kernel, [c.x, c.gamma, c.mean, c.rstd, c.g, c.dx], { rows: c.rows, n: c.n, invN: 1 / c.n }, groupsFor(rt, variant, lanes, c.rows));
}
