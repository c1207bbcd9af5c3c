import type { Kernel } from '../runtime/kernel.js';
import { ParamLayout } from '../runtime/params.js';
import type { Runtime } from '../runtime/runtime.js';
import type { MatmulCall } from './matmul.js';
import { SPLIT_PROLOGUE, aIndex, addShapeParams, bIndex, dispatchBatched, outputStage, shapeParams, type OutputStage } from './matmul-common.js';
import { enableF16, load, storageDecl } from './wgsl.js';

/**
 * Matrix–vector shapes: M or N tiny (classifier heads [B×H]·[H×2], a single
 * query row). Tiles would leave almost every lane idle, so here a workgroup
 * computes SMALL_COLS adjacent outputs of one row, its invocations split K
 * (consecutive k per invocation, so the long operand is read contiguously
 * when stored along K) and a tree in workgroup memory sums their partials.
 */
const SMALL_WG = 64;
/** Outputs of one row per workgroup; the row of A is read once for all of them. */
const SMALL_COLS = 4;

function source(c: MatmulCall, params: ParamLayout, out: OutputStage): string {
  const t = c.dtype;
  const ld = (arr: string, idx: string) => `f32(${load(arr, idx, t)})`;
  return `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'A', t, 'read')}${storageDecl(2, 'B', t, 'read')}${out.wgsl}
var<workgroup> part: array<vec4f, ${SMALL_WG}>;

@compute @workgroup_size(${SMALL_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) tid: u32) {
${SPLIT_PROLOGUE}
  let row = wid.y;
  let col0 = wid.x * ${SMALL_COLS}u;
  var cols: array<u32, ${SMALL_COLS}>;
  for (var j = 0u; j < ${SMALL_COLS}u; j++) { cols[j] = min(col0 + j, p.n - 1u); }
  var acc = vec4f();
  for (var kk = kBegin + tid; kk < kEnd; kk += ${SMALL_WG}u) {
    let a = ${ld('A', aIndex(c.transA, 'aBase', 'row', 'kk'))};
    var bv = vec4f();
    for (var j = 0u; j < ${SMALL_COLS}u; j++) { bv[j] = ${ld('B', bIndex(c.transB, 'bBase', 'kk', 'cols[j]'))}; }
    acc = fma(vec4f(a), bv, acc);
  }
  part[tid] = acc;
  workgroupBarrier();
  for (var half = ${SMALL_WG / 2}u; half > 0u; half /= 2u) {
    if (tid < half) { part[tid] += part[tid + half]; }
    workgroupBarrier();
  }
  if (tid < ${SMALL_COLS}u) {
    let col = col0 + tid;
    if (col < p.n) { write_out(cBase + row * p.n + col, col, part[0][tid]); }
  }
}
`;
}

export function runSmall(rt: Runtime, c: MatmulCall): void {
  const params = addShapeParams(new ParamLayout());
  const out = outputStage(c.epilogue, c.dtype, c.out, 3, params);
  const kernel: Kernel = {
    key: ['matmul-small', c.dtype, c.transA ? 'tA' : 'nA', c.transB ? 'tB' : 'nB', out.key].join('|'),
    params,
    storage: ['read', 'read', ...out.storage],
    source: () => source(c, params, out),
  };
  const maxY = rt.limits.maxComputeWorkgroupsPerDimension;
  if (c.m > maxY) throw new Error(`matmul small variant: ${c.m} rows exceed ${maxY} workgroups; use another variant`);
  dispatchBatched(rt, kernel, [c.a, c.b, ...out.ranges], { ...shapeParams(c), ...out.values }, Math.ceil(c.n / SMALL_COLS), c.m, c.batch);
}
