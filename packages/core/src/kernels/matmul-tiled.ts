import type { Kernel } from '../runtime/kernel.js';
import { ParamLayout } from '../runtime/params.js';
import type { Runtime } from '../runtime/runtime.js';
import { wgslType } from '../tensor/dtype.js';
import type { MatmulCall } from './matmul.js';
import { SPLIT_PROLOGUE, addShapeParams, dispatchBatched, outputStage, shapeParams, type OutputStage, type SplitK } from './matmul-common.js';
import { enableF16 } from './wgsl.js';

/**
 * The discrete-GPU variant: the classic shared-memory GEMM.
 *
 * A workgroup of 256 invocations computes a BM×BN tile of C. Each step of K
 * (BK deep) the workgroup stages a BM×BK slab of op(A) and a BK×BN slab of
 * op(B) in workgroup memory, k-major with vec4 rows, so every invocation then
 * reads its TM rows and TN columns as vec4s (broadcast reads for A,
 * consecutive for B) and updates a TM×TN register block with vec4 FMAs.
 * Global loads are vec4 along the stored rows of each operand, so a
 * transposed operand is read in place: only the scatter into workgroup
 * memory differs.
 *
 * `aligned` builds (M, N multiples of the tile, K and the split chunk
 * multiples of BK, rows a multiple of 4) bind the operands as vec4 arrays and
 * drop every bounds check; other shapes load scalars with clamped indices and
 * zero what lies outside.
 */
export interface TileConfig {
  name: string;
  /** Tile of C per workgroup. */
  bm: number;
  bn: number;
  /** K per workgroup-memory stage. */
  bk: number;
  /** Outputs per invocation: tm rows × tn columns (multiples of 4). */
  tm: number;
  tn: number;
}

/** 64×64 tiles, 4×4 per invocation: fills a large GPU from ~1k tiles up. */
export const TILE_64: TileConfig = { name: '64', bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 };
/** 128×128 tiles, 8×8 per invocation: more reuse per load for big products. */
export const TILE_128: TileConfig = { name: '128', bm: 128, bn: 128, bk: 16, tm: 8, tn: 8 };

function isAligned(c: MatmulCall, t: TileConfig, kChunk: number): boolean {
  const rowsOk = (c.transA ? c.m : c.k) % 4 === 0 && (c.transB ? c.k : c.n) % 4 === 0;
  return c.m % t.bm === 0 && c.n % t.bn === 0 && c.k % t.bk === 0 && kChunk % t.bk === 0 && rowsOk && c.strideA % 4 === 0 && c.strideB % 4 === 0;
}

function source(c: MatmulCall, t: TileConfig, aligned: boolean, params: ParamLayout, out: OutputStage): string {
  const ty = wgslType(c.dtype);
  const wx = t.bn / t.tn;
  const wy = t.bm / t.tm;
  const threads = wx * wy;
  const aq = t.bm / 4; // vec4 columns of the A slab (rows of op(A))
  const bq = t.bn / 4;
  const loadsA = (t.bm * t.bk) / 4 / threads;
  const loadsB = (t.bn * t.bk) / 4 / threads;
  const v4 = (x: string) => (c.dtype === 'float16' ? `vec4f(${x})` : x);
  const s1 = (x: string) => (c.dtype === 'float16' ? `f32(${x})` : x);
  const decl = (binding: number, name: string) =>
    aligned
      ? `@group(0) @binding(${binding}) var<storage, read> ${name}: array<vec4<${ty}>>;\n`
      : `@group(0) @binding(${binding}) var<storage, read> ${name}: array<${ty}>;\n`;

  // One vec4 of a stored row: aligned → a single vec4 load; else 4 guarded scalars.
  const rowVec = (arr: string, base: string, rowOk: string, kOk: (e: number) => string) =>
    aligned
      ? v4(`${arr}[(${base}) / 4u]`)
      : `vec4f(${[0, 1, 2, 3].map((e) => `select(0.0, ${s1(`${arr}[min(${base} + ${e}u, arrayLength(&${arr}) - 1u)]`)}, ${rowOk} && ${kOk(e)})`).join(', ')})`;

  // Stage A: As[kk * aq + m/4][m % 4] = op(A)[row0 + m, k0 + kk].
  const stageA = c.transA
    ? // Aᵀ stored [K,M]: vec4 along m lands whole in As.
      `let kk = q / ${aq}u; let mq = q % ${aq}u;
      let v = ${rowVec('A', `aBase + (k0 + kk) * p.m + row0 + 4u * mq`, `k0 + kk < kEnd`, (e) => `row0 + 4u * mq + ${e}u < p.m`)};
      As[kk * ${aq}u + mq] = v;`
    : // A stored [M,K]: vec4 along k scatters to four k rows of As.
      `let mm = q / ${t.bk / 4}u; let kq = q % ${t.bk / 4}u;
      let v = ${rowVec('A', `aBase + (row0 + mm) * p.k + k0 + 4u * kq`, `row0 + mm < p.m`, (e) => `k0 + 4u * kq + ${e}u < kEnd`)};
      for (var e = 0u; e < 4u; e++) { As[(4u * kq + e) * ${aq}u + mm / 4u][mm % 4u] = v[e]; }`;
  const stageB = c.transB
    ? `let nn = q / ${t.bk / 4}u; let kq = q % ${t.bk / 4}u;
      let v = ${rowVec('B', `bBase + (col0 + nn) * p.k + k0 + 4u * kq`, `col0 + nn < p.n`, (e) => `k0 + 4u * kq + ${e}u < kEnd`)};
      for (var e = 0u; e < 4u; e++) { Bs[(4u * kq + e) * ${bq}u + nn / 4u][nn % 4u] = v[e]; }`
    : `let kk = q / ${bq}u; let nq = q % ${bq}u;
      let v = ${rowVec('B', `bBase + (k0 + kk) * p.n + col0 + 4u * nq`, `k0 + kk < kEnd`, (e) => `col0 + 4u * nq + ${e}u < p.n`)};
      Bs[kk * ${bq}u + nq] = v;`;

  const tmq = t.tm / 4;
  const tnq = t.tn / 4;
  const accDecl: string[] = [];
  const fmas: string[] = [];
  for (let i = 0; i < t.tm; i++) for (let j = 0; j < tnq; j++) accDecl.push(`  var acc${i}_${j} = vec4f();`);
  for (let i = 0; i < tmq; i++) fmas.push(`      let a${i} = As[kk * ${aq}u + lid.y * ${tmq}u + ${i}u];`);
  for (let j = 0; j < tnq; j++) fmas.push(`      let b${j} = Bs[kk * ${bq}u + lid.x * ${tnq}u + ${j}u];`);
  for (let i = 0; i < t.tm; i++) {
    for (let j = 0; j < tnq; j++) fmas.push(`      acc${i}_${j} = fma(vec4f(a${i >> 2}[${i & 3}]), b${j}, acc${i}_${j});`);
  }
  const stores: string[] = [];
  for (let i = 0; i < t.tm; i++) {
    for (let j = 0; j < tnq; j++) {
      const row = `row0 + lid.y * ${t.tm}u + ${i}u`;
      const col = `col0 + lid.x * ${t.tn}u + ${4 * j}u`;
      stores.push(
        aligned
          ? `  { let o = cBase + (${row}) * p.n + ${col}; for (var e = 0u; e < 4u; e++) { write_out(o + e, ${col} + e, acc${i}_${j}[e]); } }`
          : `  if (${row} < p.m) { let o = cBase + (${row}) * p.n; for (var e = 0u; e < 4u; e++) { let col = ${col} + e; if (col < p.n) { write_out(o + col, col, acc${i}_${j}[e]); } } }`,
      );
    }
  }

  return `${enableF16(c.dtype)}${params.wgsl()}${decl(1, 'A')}${decl(2, 'B')}${out.wgsl}
var<workgroup> As: array<vec4f, ${t.bk * aq}>;
var<workgroup> Bs: array<vec4f, ${t.bk * bq}>;

@compute @workgroup_size(${wx}, ${wy})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
${SPLIT_PROLOGUE}
  let row0 = wid.y * ${t.bm}u;
  let col0 = wid.x * ${t.bn}u;
  let tid = lid.y * ${wx}u + lid.x;
${accDecl.join('\n')}
  for (var k0 = kBegin; k0 < kEnd; k0 += ${t.bk}u) {
    for (var s = 0u; s < ${loadsA}u; s++) {
      let q = tid + s * ${threads}u;
      ${stageA}
    }
    for (var s = 0u; s < ${loadsB}u; s++) {
      let q = tid + s * ${threads}u;
      ${stageB}
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${t.bk}u; kk++) {
${fmas.join('\n')}
    }
    workgroupBarrier();
  }
${stores.join('\n')}
}
`;
}

/**
 * Records the product, or with `split` the split-K partial sums into `c.out`
 * laid out [batch][splits][m][n] as raw f32 (no epilogue).
 */
export function runTiled(rt: Runtime, c: MatmulCall, tile: TileConfig = TILE_64, split?: SplitK): void {
  const { splits, kChunk } = split ?? { splits: 1, kChunk: c.k };
  const aligned = isAligned(c, tile, kChunk);
  const params = addShapeParams(new ParamLayout());
  const out = outputStage(c.epilogue, c.dtype, c.out, 3, params, split !== undefined);
  const kernel: Kernel = {
    key: ['matmul-tiled', tile.name, aligned ? 'aligned' : 'edges', c.dtype, c.transA ? 'tA' : 'nA', c.transB ? 'tB' : 'nB', out.key].join('|'),
    params,
    storage: ['read', 'read', ...out.storage],
    source: () => source(c, tile, aligned, params, out),
  };
  dispatchBatched(rt, kernel, [c.a, c.b, ...out.ranges], { ...shapeParams(c, splits, kChunk), ...out.values }, Math.ceil(c.n / tile.bn), Math.ceil(c.m / tile.bm), c.batch * splits);
}
