import type { ParamLayout } from '../runtime/params.js';
import type { DType } from '../tensor/dtype.js';
import { butterfly, fold4, laneLoop, subgroupRowGroups } from './row-lanes.js';
import { enableF16, load, storageDecl, store } from './wgsl.js';

/**
 * Layer norm's `subgroup` layout (CPU adapters): L lanes of one subgroup
 * share a row as in row-lanes.ts, but each subgroup takes ROWS_PER_SUBGROUP
 * rows at once, so every γ/β element a lane loads serves that many rows, and
 * the statistics come from one pass (Welford per lane, merged across lanes
 * with Chan's formula) instead of a mean pass and a variance pass. Forward is
 * then one read of x for the statistics and one for the output; backward one
 * read of (x, g) for both of its sums and one for dx.
 *
 * Measured on lavapipe (2 cores), hand-written probes, ms per [128×768]
 * affine forward: three streamed passes 0.26–0.28; one-pass statistics 0.21;
 * plus 4 rows per subgroup 0.16 (2 rows 0.18, 8 rows 0.16, 16 rows 0.26:
 * registers run out). Keeping each lane's share of a row in a register
 * array (`array<vec4<f32>, N>`, indexed in a loop) was slower at every size
 * tried (0.36 at 768; the op at [1024×256] took 1.3 ms against 0.5 streamed):
 * llvmpipe puts such arrays in memory and gathers from them.
 *
 * Where this leaves it (raw-kernel probes at [128×768], one process, ms):
 * this layout 0.18, of which the statistics pass alone is 0.09, so the
 * output pass (one read of x, one write of y) is the other half; a plain
 * copy of x into y, one lane per vec4, takes 0.20. The kernel moves what it
 * must at about the speed lavapipe moves storage data. Not faster: each
 * lane's rows unrolled into named registers and read once (0.26–0.27, and
 * 28 s to compile at 4 rows), x stashed in workgroup memory for the second
 * pass (0.19), one invocation per row so that every address is uniform
 * (0.41–0.65), shifted one-pass sums instead of Welford, stores without the
 * row guard (both 0.18).
 */
export const LAYERNORM_ROWS_PER_SUBGROUP = 4;

export interface LaneLayout {
  lanes: number;
  /** Rows read four elements at a time (f32, length a multiple of 4). */
  vec4: boolean;
}

const R = LAYERNORM_ROWS_PER_SUBGROUP;
const rowIds = Array.from({ length: R }, (_, r) => r);

/** Workgroups of 64 lanes for `rows` rows. */
export function layerNormSubgroupGroups(rows: number, lanes: number): number {
  return subgroupRowGroups(Math.ceil(rows / R), lanes);
}

/**
 * Header: `lane`, `cnt` (elements or vec4s per row), and per row r of this
 * subgroup `row<r>` and `base<r>`. Rows past the end read the last row
 * (their results are never stored), so every lane runs the same loops and
 * reaches the shuffles in uniform control flow.
 */
function header(l: LaneLayout): string {
  return `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let flat = gid.x + gid.y * (nwg.x * 64u);
  let group = flat / ${l.lanes}u;
  let lane = flat % ${l.lanes}u;
  let cnt = ${l.vec4 ? '(p.n >> 2u)' : 'p.n'};
${rowIds.map((r) => `  let row${r} = group * ${R}u + ${r}u;\n  let base${r} = min(row${r}, p.rows - 1u) * cnt;\n`).join('')}`;
}

const vt = (l: LaneLayout) => (l.vec4 ? 'vec4<f32>' : 'f32');
const ld = (l: LaneLayout, arr: string, idx: string, dtype: DType) => (l.vec4 ? `${arr}[${idx}]` : load(arr, idx, dtype));
const st = (l: LaneLayout, expr: string, dtype: DType) => (l.vec4 ? expr : store(expr, dtype));
const total = (l: LaneLayout, v: string) => (l.vec4 ? fold4(v, '+') : v);
/** Each lane's walk over its share of the rows: the streamed lane loop of row-lanes.ts, with a multi-line body. */
const lanesOf = (l: LaneLayout, body: string) => laneLoop(l.lanes, 0, `\n${body}  `);

/**
 * WGSL: merges per-lane (count n, mean m, squared deviations q) across the
 * row's lanes (Chan et al.). Written symmetrically in the two partners
 * (products and sums of both sides, d² for the mean gap), so both compute
 * bit-identical results and every lane of a row normalises with the same
 * statistics.
 */
function laneMerge(n: string, m: string, q: string, lanes: number): string {
  let s = '';
  for (let k = lanes >> 1; k >= 1; k >>= 1) {
    s += `  { let nb = subgroupShuffleXor(${n}, ${k}u); let mb = subgroupShuffleXor(${m}, ${k}u); let qb = subgroupShuffleXor(${q}, ${k}u);
    let nt = ${n} + nb; let d = mb - ${m}; let inv = select(0.0, 1.0 / nt, nt > 0.0);
    ${q} = (${q} + qb) + d * d * ((${n} * nb) * inv); ${m} = (${n} * ${m} + nb * mb) * inv; ${n} = nt; }\n`;
  }
  return s;
}

export function layerNormForwardSubgroupSource(l: LaneLayout, dtype: DType, params: ParamLayout): string {
  const T = vt(l);
  const x = (r: number) => ld(l, 'x', `base${r} + j`, dtype);
  // Per lane: Welford over its elements (each vec4 component its own stream of c values), then the
  // components merged (equal counts: mean of means, plus c·Σ(mᵢ − m)²), then the lanes.
  const laneStats = (r: number) =>
    l.vec4
      ? `  var n${r} = 4.0 * c;
  var m${r} = dot(wm${r}, vec4<f32>(0.25));
  let e${r} = wm${r} - m${r};
  var q${r} = dot(wq${r}, vec4<f32>(1.0)) + c * dot(e${r}, e${r});
`
      : `  var n${r} = c;
  var m${r} = wm${r};
  var q${r} = wq${r};
`;
  const stats = rowIds.map((r) => `${laneStats(r)}${laneMerge(`n${r}`, `m${r}`, `q${r}`, l.lanes)}`).join('');
  const welford = `    c += 1.0;
    let w = 1.0 / c;
${rowIds.map((r) => `    { let v = ${x(r)}; let d = v - wm${r}; wm${r} += d * w; wq${r} += d * (v - wm${r}); }\n`).join('')}`;
  const normalise = `    let g = ${ld(l, 'gamma', 'j', dtype)};
    let b = ${ld(l, 'beta', 'j', dtype)};
${rowIds.map((r) => `    if (row${r} < p.rows) { y[base${r} + j] = ${st(l, `(${x(r)} - m${r}) * rstd${r} * g + b`, dtype)}; }\n`).join('')}`;
  return `enable subgroups;
${enableF16(dtype)}${params.wgsl()}${storageDecl(1, 'x', dtype, 'read', l.vec4)}${storageDecl(2, 'gamma', dtype, 'read', l.vec4)}${storageDecl(3, 'beta', dtype, 'read', l.vec4)}${storageDecl(4, 'y', dtype, 'read_write', l.vec4)}${storageDecl(5, 'meanOut', 'float32', 'read_write')}${storageDecl(6, 'rstdOut', 'float32', 'read_write')}
${header(l)}${rowIds.map((r) => `  var wm${r} = ${T}(0.0);\n  var wq${r} = ${T}(0.0);\n`).join('')}  var c = 0.0;
${lanesOf(l, welford)}${stats}${rowIds.map((r) => `  let rstd${r} = inverseSqrt(q${r} * p.invN + p.eps);\n  if (lane == 0u && row${r} < p.rows) { meanOut[row${r}] = m${r}; rstdOut[row${r}] = rstd${r}; }\n`).join('')}${lanesOf(l, normalise)}}
`;
}

export function layerNormBackwardSubgroupSource(l: LaneLayout, dtype: DType, params: ParamLayout): string {
  const T = vt(l);
  const xhat = (r: number) => `((${ld(l, 'x', `base${r} + j`, dtype)} - mean${r}) * rstd${r})`;
  const dxhat = (r: number) => `(${ld(l, 'g', `base${r} + j`, dtype)} * gm)`;
  const sums = `    let gm = ${ld(l, 'gamma', 'j', dtype)};
${rowIds.map((r) => `    { let dh = ${dxhat(r)}; ad${r} += dh; adx${r} += dh * ${xhat(r)}; }\n`).join('')}`;
  const merged = rowIds
    .map((r) => `  var sd${r} = ${total(l, `ad${r}`)};\n${butterfly(`sd${r}`, l.lanes, '+')}  var sdx${r} = ${total(l, `adx${r}`)};\n${butterfly(`sdx${r}`, l.lanes, '+')}  let md${r} = sd${r} * p.invN;\n  let mdx${r} = sdx${r} * p.invN;\n`)
    .join('');
  const grads = `    let gm = ${ld(l, 'gamma', 'j', dtype)};
${rowIds.map((r) => `    if (row${r} < p.rows) { dx[base${r} + j] = ${st(l, `rstd${r} * (${dxhat(r)} - md${r} - ${xhat(r)} * mdx${r})`, dtype)}; }\n`).join('')}`;
  return `enable subgroups;
${enableF16(dtype)}${params.wgsl()}${storageDecl(1, 'x', dtype, 'read', l.vec4)}${storageDecl(2, 'gamma', dtype, 'read', l.vec4)}${storageDecl(3, 'meanIn', 'float32', 'read')}${storageDecl(4, 'rstdIn', 'float32', 'read')}${storageDecl(5, 'g', dtype, 'read', l.vec4)}${storageDecl(6, 'dx', dtype, 'read_write', l.vec4)}
${header(l)}${rowIds.map((r) => `  let mean${r} = meanIn[min(row${r}, p.rows - 1u)];\n  let rstd${r} = rstdIn[min(row${r}, p.rows - 1u)];\n  var ad${r} = ${T}(0.0);\n  var adx${r} = ${T}(0.0);\n`).join('')}${lanesOf(l, sums)}${merged}${lanesOf(l, grads)}}
`;
}
