import type { Kernel } from '../runtime/kernel.js';
import { ParamLayout } from '../runtime/params.js';
import type { Runtime } from '../runtime/runtime.js';
import type { MatmulCall } from './matmul.js';
import { SPLIT_PROLOGUE, aIndex, addShapeParams, bIndex, dispatchBatched, outputStage, shapeParams, type OutputStage, type SplitK } from './matmul-common.js';
import { enableF16, load, storageDecl } from './wgsl.js';

/**
 * The portable variant: each invocation computes a BLOCK×BLOCK block of C
 * straight from storage, with no workgroup memory, barriers or subgroups, so
 * it runs anywhere. Out-of-range rows and columns are clamped (duplicates
 * that are never stored) instead of branched on, keeping the K loop free of
 * conditions. Also the partial-product kernel of split-K on CPU adapters.
 */
const BLOCK = 4;
const WG = 8;
/** Outputs per workgroup edge. */
export const BLOCKED_TILE = BLOCK * WG;

function source(c: MatmulCall, params: ParamLayout, out: OutputStage): string {
  const t = c.dtype;
  const ld = (arr: string, idx: string) => `f32(${load(arr, idx, t)})`;
  return `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'A', t, 'read')}${storageDecl(2, 'B', t, 'read')}${out.wgsl}
@compute @workgroup_size(${WG}, ${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
${SPLIT_PROLOGUE}
  let row0 = gid.y * ${BLOCK}u;
  let col0 = gid.x * ${BLOCK}u;
  if (row0 >= p.m || col0 >= p.n) { return; }
  var rows: array<u32, ${BLOCK}>;
  var cols: array<u32, ${BLOCK}>;
  for (var i = 0u; i < ${BLOCK}u; i++) { rows[i] = min(row0 + i, p.m - 1u); cols[i] = min(col0 + i, p.n - 1u); }
  var acc: array<array<f32, ${BLOCK}>, ${BLOCK}>;
  for (var kk = kBegin; kk < kEnd; kk++) {
    var av: array<f32, ${BLOCK}>;
    var bv: array<f32, ${BLOCK}>;
    for (var i = 0u; i < ${BLOCK}u; i++) { av[i] = ${ld('A', aIndex(c.transA, 'aBase', 'rows[i]', 'kk'))}; }
    for (var j = 0u; j < ${BLOCK}u; j++) { bv[j] = ${ld('B', bIndex(c.transB, 'bBase', 'kk', 'cols[j]'))}; }
    for (var i = 0u; i < ${BLOCK}u; i++) {
      for (var j = 0u; j < ${BLOCK}u; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
    }
  }
  for (var i = 0u; i < ${BLOCK}u; i++) {
    let r = row0 + i;
    if (r >= p.m) { continue; }
    for (var j = 0u; j < ${BLOCK}u; j++) {
      let col = col0 + j;
      if (col < p.n) { write_out(cBase + r * p.n + col, col, acc[i][j]); }
    }
  }
}
`;
}

/**
 * Records the product, or with `split` the split-K partial sums into `c.out`
 * laid out [batch][splits][m][n] as raw f32 (no epilogue).
 */
export function runBlocked(rt: Runtime, c: MatmulCall, split?: SplitK): void {
  const { splits, kChunk } = split ?? { splits: 1, kChunk: c.k };
  const params = addShapeParams(new ParamLayout());
  const out = outputStage(c.epilogue, c.dtype, c.out, 3, params, split !== undefined);
  const kernel: Kernel = {
    key: ['matmul-blocked', c.dtype, c.transA ? 'tA' : 'nA', c.transB ? 'tB' : 'nB', out.key].join('|'),
    params,
    storage: ['read', 'read', ...out.storage],
    source: () => source(c, params, out),
  };
  dispatchBatched(rt, kernel, [c.a, c.b, ...out.ranges], { ...shapeParams(c, splits, kChunk), ...out.values }, Math.ceil(c.n / BLOCKED_TILE), Math.ceil(c.m / BLOCKED_TILE), c.batch * splits);
}
