import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { subgroupLanes } from './wgsl.js';

/**
 * The `subgroup` layout of the row kernels (softmax family, layer norm): L
 * adjacent lanes of one subgroup share a row, striding it (as vec4 where the
 * row allows), and combine partial max/sum with subgroupShuffleXor butterflies:
 * no workgroup memory, no barriers. Measurements: docs/perf/rows.md.
 */
export const MAX_ROW_LANES = 8;

/** Lanes per row: a power of two no larger than any subgroup the adapter may use (0: no subgroups). */
export function rowLanes(rt: Runtime): number {
  return subgroupLanes(rt, MAX_ROW_LANES);
}

/** Rows are read four elements at a time when they are f32 and their length is a multiple of 4. */
export function rowsAsVec4(dtype: DType, n: number): boolean {
  return dtype === 'float32' && n % 4 === 0;
}

/** WGSL: combines `v` (a var) across the L lanes of a row, by `op` ('max' | '+'). */
export function butterfly(v: string, lanes: number, op: 'max' | '+'): string {
  let s = '';
  for (let m = lanes >> 1; m >= 1; m >>= 1) {
    s += op === 'max' ? `  ${v} = max(${v}, subgroupShuffleXor(${v}, ${m}u));\n` : `  ${v} = ${v} + subgroupShuffleXor(${v}, ${m}u);\n`;
  }
  return s;
}

/** WGSL: a vec4 partial folded to one f32 by max or sum. */
export function fold4(v: string, op: 'max' | '+'): string {
  return op === 'max' ? `max(max(${v}.x, ${v}.y), max(${v}.z, ${v}.w))` : `dot(${v}, vec4<f32>(1.0))`;
}

/**
 * WGSL header of a subgroup row kernel: `row`, `lane`, `cnt` (elements or
 * vec4s this row has; 0 past the last row, so every lane reaches the
 * shuffles — they must run in uniform control flow) and `base`.
 */
export function subgroupRowHeader(lanes: number, vec4: boolean): string {
  const count = vec4 ? '(p.n >> 2u)' : 'p.n';
  return `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let flat = gid.x + gid.y * (nwg.x * 64u);
  let row = flat / ${lanes}u;
  let lane = flat % ${lanes}u;
  let cnt = select(0u, ${count}, row < p.rows);
  let base = row * ${count};
`;
}

/**
 * WGSL: a lane's walk over its row, `j` the element (or vec4) index. With
 * `per` > 0 (rows kept in registers) also `t`, the register slot: a fixed
 * trip count with a guard; else a stride loop from the lane to `cnt`.
 */
export function laneLoop(lanes: number, per: number, body: string): string {
  return per > 0
    ? `  for (var t = 0u; t < ${per}u; t++) {
    let j = lane + t * ${lanes}u;
    if (j < cnt) { ${body} }
  }
`
    : `  for (var j = lane; j < cnt; j += ${lanes}u) { ${body} }
`;
}

/** Workgroups of 64 lanes for `rows` rows of `lanes` lanes each. */
export function subgroupRowGroups(rows: number, lanes: number): number {
  return Math.ceil((rows * lanes) / 64);
}
