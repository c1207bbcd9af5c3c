import { ParamLayout } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { enableF16, load, splitWorkgroups, storageDecl, store } from './wgsl.js';

/**
 * Batched C[b] = op(A[b]) · op(B[b]) with op = identity or transpose, read in
 * place (transposed operands are never copied). A batch stride of 0
 * broadcasts an operand over the batch.
 *
 * Variants:
 * - `tiled`: 64×64 output tile per 16×16 workgroup, 4×4 per lane, K staged
 *   through workgroup memory in steps of 16. What discrete GPUs want.
 * - `blocked`: each invocation computes a 4×4 block straight from storage,
 *   no workgroup memory and no barriers — barriers are costly on CPU
 *   adapters (lavapipe), where caches do the staging.
 */
export type MatmulVariant = 'tiled' | 'blocked';

export interface MatmulCall {
  a: BufferRange;
  b: BufferRange;
  out: BufferRange;
  dtype: DType;
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  /** Element stride between batches of A (0 = shared). */
  strideA: number;
  strideB: number;
  variant?: MatmulVariant;
}

export function chooseMatmulVariant(rt: Runtime): MatmulVariant {
  return rt.adapter.isCPU ? 'blocked' : 'tiled';
}

/** WGSL index of A[row, kk] in batch `ab` given the transpose flag. */
function aIndex(transA: boolean, row: string, kk: string): string {
  return transA ? `p.aOff + (${kk}) * p.m + (${row})` : `p.aOff + (${row}) * p.k + (${kk})`;
}

function bIndex(transB: boolean, kk: string, col: string): string {
  return transB ? `p.bOff + (${col}) * p.k + (${kk})` : `p.bOff + (${kk}) * p.n + (${col})`;
}

const TILE = 64;
const BK = 16;

function tiledSource(c: MatmulCall, params: ParamLayout): string {
  const t = c.dtype;
  const ld = (arr: string, idx: string) => load(arr, idx, t);
  return `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'A', t, 'read')}${storageDecl(2, 'B', t, 'read')}${storageDecl(3, 'C', t, 'read_write')}
var<workgroup> As: array<f32, ${BK * TILE}>;
var<workgroup> Bs: array<f32, ${BK * TILE}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let batch = wid.z;
  let row0 = wid.y * ${TILE}u;
  let col0 = wid.x * ${TILE}u;
  let aBase = batch * p.strideA;
  let bBase = batch * p.strideB;
  let tid = lid.y * 16u + lid.x;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < p.k; k0 += ${BK}u) {
    // 256 lanes stage a ${TILE}×${BK} slab of A and a ${BK}×${TILE} slab of B, 4 elements each.
    for (var e = 0u; e < 4u; e++) {
      let q = tid + e * 256u;
      let r = q / ${BK}u; let kk = q % ${BK}u;
      let gr = row0 + r; let gk = k0 + kk;
      var va = 0.0;
      if (gr < p.m && gk < p.k) { va = f32(${ld('A', `aBase + ${aIndex(c.transA, 'gr', 'gk')}`)}); }
      As[kk * ${TILE}u + r] = va;
      let kb = q / ${TILE}u; let cc = q % ${TILE}u;
      let gc = col0 + cc; let gkb = k0 + kb;
      var vb = 0.0;
      if (gc < p.n && gkb < p.k) { vb = f32(${ld('B', `bBase + ${bIndex(c.transB, 'gkb', 'gc')}`)}); }
      Bs[kb * ${TILE}u + cc] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { av[i] = As[kk * ${TILE}u + lid.y * 4u + i]; }
      for (var j = 0u; j < 4u; j++) { bv[j] = Bs[kk * ${TILE}u + lid.x * 4u + j]; }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  let cBase = batch * p.m * p.n;
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + lid.y * 4u + i;
    if (r >= p.m) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + lid.x * 4u + j;
      if (col < p.n) { C[cBase + r * p.n + col] = ${store('acc[i][j]', t)}; }
    }
  }
}
`;
}

function blockedSource(c: MatmulCall, params: ParamLayout): string {
  const t = c.dtype;
  const ld = (arr: string, idx: string) => `f32(${load(arr, idx, t)})`;
  return `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'A', t, 'read')}${storageDecl(2, 'B', t, 'read')}${storageDecl(3, 'C', t, 'read_write')}
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let batch = gid.z;
  let row0 = gid.y * 4u;
  let col0 = gid.x * 4u;
  if (row0 >= p.m || col0 >= p.n) { return; }
  let aBase = batch * p.strideA;
  let bBase = batch * p.strideB;
  // Clamp indices instead of branching so the inner loop has no conditions;
  // rows/cols past the edge compute duplicates that are never stored.
  var rows: array<u32, 4>;
  var cols: array<u32, 4>;
  for (var i = 0u; i < 4u; i++) { rows[i] = min(row0 + i, p.m - 1u); cols[i] = min(col0 + i, p.n - 1u); }
  var acc: array<array<f32, 4>, 4>;
  for (var kk = 0u; kk < p.k; kk++) {
    var av: array<f32, 4>;
    var bv: array<f32, 4>;
    for (var i = 0u; i < 4u; i++) { av[i] = ${ld('A', `aBase + ${aIndex(c.transA, 'rows[i]', 'kk')}`)}; }
    for (var j = 0u; j < 4u; j++) { bv[j] = ${ld('B', `bBase + ${bIndex(c.transB, 'kk', 'cols[j]')}`)}; }
    for (var i = 0u; i < 4u; i++) {
      for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
    }
  }
  let cBase = batch * p.m * p.n;
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + i;
    if (r >= p.m) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + j;
      if (col < p.n) { C[cBase + r * p.n + col] = ${store('acc[i][j]', t)}; }
    }
  }
}
`;
}

export function runMatmul(rt: Runtime, c: MatmulCall): void {
  if (c.batch === 0 || c.m === 0 || c.n === 0) return;
  const variant = c.variant ?? chooseMatmulVariant(rt);
  const params = new ParamLayout().add('m').add('n').add('k').add('strideA').add('strideB').add('aOff').add('bOff');
  const key = ['matmul', variant, c.dtype, c.transA ? 'tA' : 'nA', c.transB ? 'tB' : 'nB'].join('|');
  const kernel: Kernel = {
    key,
    params,
    storage: ['read', 'read', 'read_write'],
    source: () => (variant === 'tiled' ? tiledSource(c, params) : blockedSource(c, params)),
  };
  const values = { m: c.m, n: c.n, k: c.k, strideA: c.strideA, strideB: c.strideB, aOff: 0, bOff: 0 };
  const maxZ = rt.limits.maxComputeWorkgroupsPerDimension;
  const per = variant === 'tiled' ? TILE : 32;
  const gx = Math.ceil(c.n / per);
  const gy = Math.ceil(c.m / per);
  // Batches beyond the z limit go in several dispatches.
  for (let b0 = 0; b0 < c.batch; b0 += maxZ) {
    const nb = Math.min(maxZ, c.batch - b0);
    const bpe = 4;
    const sub = (r: BufferRange, off: number, len: number): BufferRange => ({ buffer: r.buffer, offset: r.offset + off * bpe, size: len * bpe });
    const ranges =
      b0 === 0 && nb === c.batch
        ? [c.a, c.b, c.out]
        : [
            sub(c.a, b0 * c.strideA, c.strideA ? nb * c.strideA : c.m * c.k),
            sub(c.b, b0 * c.strideB, c.strideB ? nb * c.strideB : c.k * c.n),
            sub(c.out, b0 * c.m * c.n, nb * c.m * c.n),
          ];
    rt.dispatch(kernel, ranges, values, [gx, gy, nb]);
  }
  void splitWorkgroups;
}
