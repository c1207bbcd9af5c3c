import type { BufferRange, Kernel } from '../runtime/kernel.js';
import { ParamLayout } from '../runtime/params.js';
import type { Runtime } from '../runtime/runtime.js';
import { bytesPerElement, type DType } from '../tensor/dtype.js';
import type { MatmulCall } from './matmul.js';
import { dispatchBatched, outputStage, type OutputStage } from './matmul-common.js';
import { MAIN_1D, enableF16, splitWorkgroups, storageDecl, WORKGROUP } from './wgsl.js';

/**
 * The CPU-adapter variant (lavapipe/llvmpipe).
 *
 * Why textures: llvmpipe compiles a storage-buffer load whose address varies
 * per lane into a scalar loop over the 8 lanes with a bounds check and two
 * branches per lane, while textureLoad of an rgba texel is one vectorised
 * fetch returning four values. Measured per float read (CPU time, 2 worker
 * threads): storage 0.78 ns, rgba32float texel 0.51 ns, and four floats per
 * call instead of one.
 *
 * Why subgroups: arithmetic is cheap next to any load, and a subgroup shuffle
 * costs about one register op. So each lane fetches A values no other lane
 * fetches (lane l reads k-quad l of a row), and every lane gets all of them
 * by shuffling: one fetch serves 8 lanes.
 *
 * Layout: operands are staged into rgba textures (a texel = 4 consecutive
 * elements of a row; batches stacked vertically), and staging is the only
 * copy — no transposed tensor is ever materialised. B is staged as stored
 * and read along n ([K,N]) or along k (Bᵀ stored [N,K]). A is always staged
 * as [M rows][K]: for Aᵀ (weight gradients Xᵀ·dY) the staging kernel
 * transposes on the way, which measured faster than a kernel reading Aᵀ
 * along m (52 vs 43 GFLOP/s at (1024×3072)ᵀ·1024×768, 58 vs 33 at
 * (1024×768)ᵀ·1024×3072, CPU-time based) and halves the pipelines to compile.
 * An untransposed operand whose rows are 256-byte multiples (every BERT
 * shape) is a plain copyBufferToTexture; anything else goes through a small
 * kernel that pads rows into a scratch buffer first.
 *
 * One workgroup = one subgroup of 8 lanes computes TILE_ROWS×TILE_COLS of C:
 * lane l owns columns 4l..4l+3 of the tile (one vec4 accumulator per row).
 * Per 4 values of k it needs 4 B texels (its own) and, per row, a vec4 of 4
 * A values obtained by a shuffle. All B texels are fetched before the FMAs:
 * a texel fetch is a call that clobbers every vector register, and grouping
 * the calls halves the accumulator spills (measured 4.8 vs 7.2 ms at
 * [128×768]·[768×768]).
 *
 * Out-of-range rows/columns read clamped coordinates (duplicates that are
 * never stored); A values past K are zeroed, so whatever B holds there
 * (clamped copies of real values) contributes nothing.
 */

/** Lanes of the subgroup the kernel is written for; the workgroup is one subgroup. */
const LANES = 8;
/**
 * Rows of C per workgroup (one vec4 accumulator each): 32–64 measured alike
 * on lavapipe, 16–24 slower (see docs/perf/matmul.md); 32 wastes least on small M.
 */
const TILE_ROWS = 32;
/** Columns of C per workgroup: one rgba texel per lane. */
const TILE_COLS = 4 * LANES;
/** Cached scratch textures above this many bytes are dropped (after a flush). */
const TEXTURE_POOL_BYTES = 256 << 20;
/** copyBufferToTexture needs bytesPerRow to be a multiple of this. */
const ROW_ALIGN = 256;

interface OperandDims {
  /** Texture rows of one matrix and elements per row. */
  rows: number;
  rowLen: number;
  /** Element stride between batches (0 = one matrix shared by all). */
  stride: number;
  /** Stored transposed ([rowLen, rows]): staged by the transposing kernel. */
  transposed: boolean;
}

type TextureDims = Pick<MatmulCall, 'batch' | 'm' | 'n' | 'k' | 'transA' | 'transB' | 'strideA' | 'strideB'>;

/** A's texture is always [M rows][K]; B's is B as stored ([K][N], or [N][K] for Bᵀ). */
function operands(c: TextureDims): [OperandDims, OperandDims] {
  return [
    { rows: c.m, rowLen: c.k, stride: c.strideA, transposed: c.transA },
    { rows: c.transB ? c.n : c.k, rowLen: c.transB ? c.k : c.n, stride: c.strideB, transposed: false },
  ];
}

function hasSubgroupsOf8(rt: Runtime): boolean {
  if (!rt.device.features.has('subgroups' as GPUFeatureName)) return false;
  // The workgroup's 8 invocations must share one subgroup for the shuffles.
  const info = (rt.device as GPUDevice & { adapterInfo?: { subgroupMinSize?: number } }).adapterInfo;
  return (info?.subgroupMinSize ?? LANES) >= LANES;
}

/** Batches per dispatch so that stacked operands fit the texture height limit. */
function batchesPerChunk(rt: Runtime, c: TextureDims): number {
  const maxH = rt.limits.maxTextureDimension2D;
  let per = c.batch;
  for (const op of operands(c)) if (op.stride !== 0) per = Math.min(per, Math.floor(maxH / op.rows));
  return Math.min(per, rt.limits.maxComputeWorkgroupsPerDimension);
}

/** Whether this adapter and the texture size limits can run the call. */
export function textureFits(rt: Runtime, c: TextureDims): boolean {
  if (!hasSubgroupsOf8(rt)) return false;
  const maxW = rt.limits.maxTextureDimension2D;
  return operands(c).every((op) => Math.ceil(op.rowLen / 4) <= maxW && op.rows <= maxW) && batchesPerChunk(rt, c) >= 1;
}

// ---------- scratch textures ----------

interface ScratchTexture {
  texture: GPUTexture;
  view: GPUTextureView;
  bytes: number;
}
interface TextureSpec {
  format: GPUTextureFormat;
  width: number;
  height: number;
}
const pools = new WeakMap<Runtime, Map<string, ScratchTexture>>();

/**
 * Textures of exactly these sizes, one per operand slot (0 = A, 1 = B).
 * Reusing them across the matmuls of one batch is safe: copies and
 * dispatches run in recording order. When the cache would pass
 * TEXTURE_POOL_BYTES, everything not needed by this call is dropped — after
 * a flush, since recorded commands may still name those textures (but never
 * the ones handed out here, which the caller is about to record with).
 */
function scratchTextures(rt: Runtime, specs: readonly TextureSpec[]): ScratchTexture[] {
  let pool = pools.get(rt);
  if (!pool) {
    const created = new Map<string, ScratchTexture>();
    pools.set(rt, (pool = created));
    rt.registerCache('matmul-texture-scratch', {
      bytes: () => [...created.values()].reduce((sum, t) => sum + t.bytes, 0),
      drop: () => {
        for (const t of created.values()) t.texture.destroy();
        created.clear();
      },
    });
  }
  const keys = specs.map((t, slot) => `${t.format}|${t.width}x${t.height}|${slot}`);
  const missing = specs.map((t, i) => (pool.has(keys[i]) ? 0 : t.width * t.height * (t.format === 'rgba16float' ? 8 : 16)));
  let bytes = 0;
  for (const t of pool.values()) bytes += t.bytes;
  if (bytes + missing.reduce((a, b) => a + b, 0) > TEXTURE_POOL_BYTES) {
    const stale = [...pool.keys()].filter((k) => !keys.includes(k));
    if (stale.length > 0) {
      rt.flush();
      for (const k of stale) {
        pool.get(k)?.texture.destroy();
        pool.delete(k);
      }
    }
  }
  return specs.map((t, i) => {
    const hit = pool.get(keys[i]);
    if (hit) return hit;
    const texture = rt.device.createTexture({
      label: `matmul operand ${keys[i]}`,
      size: [t.width, t.height],
      format: t.format,
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
    });
    const entry = { texture, view: texture.createView(), bytes: missing[i] };
    pool.set(keys[i], entry);
    return entry;
  });
}

// ---------- staging ----------

/**
 * Writes rows of `width` elements at a `pitch` (zeros past rowLen) from a
 * source stored row-major, or transposed ([rowLen][rows] per batch).
 */
function padKernel(dtype: DType, transposed: boolean): Kernel {
  const params = new ParamLayout().add('rowLen').add('rows').add('batchStride').add('pitch').add('width').add('total').add('srcOff');
  const src = transposed
    ? 'p.srcOff + (r / p.rows) * p.batchStride + min(col, p.rowLen - 1u) * p.rows + r % p.rows'
    : 'p.srcOff + r * p.rowLen + min(col, p.rowLen - 1u)';
  return {
    key: `matmul-texture-pad|${dtype}|${transposed ? 'transpose' : 'rows'}`,
    params,
    storage: ['read', 'read_write'],
    source: () => `${enableF16(dtype)}${params.wgsl()}${storageDecl(1, 'S', dtype, 'read')}${storageDecl(2, 'D', dtype, 'read_write')}
${MAIN_1D}
  if (i >= p.total) { return; }
  let r = i / p.width;
  let col = i % p.width;
  let v = S[${src}];
  D[r * p.pitch + col] = select(${dtype === 'float16' ? 'f16(0.0)' : '0.0'}, v, col < p.rowLen);
}
`,
  };
}

/**
 * The transposed staging of f32 operands whose stored rows (the operand's
 * columns) come in multiples of 4: one invocation moves a 4×4 block, four
 * vec4 loads and four vec4 stores instead of sixteen of each (lavapipe's
 * storage accesses are per-lane loops). A 4-layer encoder step stages 24
 * transposed operands for its weight gradients: 60–90 → 20–37 ms.
 */
function transposeBlockKernel(): Kernel {
  const params = new ParamLayout().add('rowLen').add('rows').add('batchStride').add('pitch').add('width').add('blocks').add('srcOff');
  return {
    key: 'matmul-texture-pad|float32|transpose4',
    params,
    storage: ['read', 'read_write'],
    source: () => `${params.wgsl()}@group(0) @binding(1) var<storage, read> S: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> D: array<vec4<f32>>;
${MAIN_1D}
  if (i >= p.blocks) { return; }
  // Block (rb, cb): destination rows 4rb…4rb+3, columns 4cb…4cb+3.
  let rb = i / p.width;
  let cb = i % p.width;
  let r0 = 4u * rb;
  let srcBase = p.srcOff + (r0 / p.rows) * p.batchStride + r0 % p.rows;
  var s: array<vec4<f32>, 4>;
  for (var j = 0u; j < 4u; j++) {
    let col = 4u * cb + j;
    let v = S[(srcBase + min(col, p.rowLen - 1u) * p.rows) / 4u];
    s[j] = select(vec4<f32>(0.0), v, col < p.rowLen);
  }
  D[(r0 * p.pitch) / 4u + cb] = vec4<f32>(s[0].x, s[1].x, s[2].x, s[3].x);
  D[((r0 + 1u) * p.pitch) / 4u + cb] = vec4<f32>(s[0].y, s[1].y, s[2].y, s[3].y);
  D[((r0 + 2u) * p.pitch) / 4u + cb] = vec4<f32>(s[0].z, s[1].z, s[2].z, s[3].z);
  D[((r0 + 3u) * p.pitch) / 4u + cb] = vec4<f32>(s[0].w, s[1].w, s[2].w, s[3].w);
}
`,
  };
}

function textureSpec(op: OperandDims, dtype: DType, nb: number): TextureSpec {
  return {
    format: dtype === 'float16' ? 'rgba16float' : 'rgba32float',
    width: Math.ceil(op.rowLen / 4),
    height: op.rows * (op.stride === 0 ? 1 : nb),
  };
}

/** Copies `nb` stacked matrices of an operand (from batch b0) into its texture. */
function stage(rt: Runtime, range: BufferRange, op: OperandDims, dtype: DType, b0: number, { texture }: ScratchTexture, spec: TextureSpec): void {
  const bpe = bytesPerElement(dtype);
  const { width, height } = spec;
  const srcElem = op.stride === 0 ? 0 : b0 * op.stride;
  const srcByte = range.offset + srcElem * bpe;
  const rowBytes = op.rowLen * bpe;
  if (!op.transposed && op.rowLen % 4 === 0 && rowBytes % ROW_ALIGN === 0 && srcByte % (4 * bpe) === 0) {
    rt.copyToTexture({ buffer: range.buffer, offset: srcByte, size: height * rowBytes }, rowBytes, texture, width, height);
    return;
  }
  // Rows (transposed if stored so) padded with zeros to a 256-byte pitch in a scratch buffer, then copied.
  const pitch = Math.ceil(rowBytes / ROW_ALIGN) * (ROW_ALIGN / bpe);
  const scratchBytes = pitch * height * bpe;
  const scratch = rt.pool.acquire(scratchBytes);
  const total = height * width * 4;
  const blockable = op.transposed && dtype === 'float32' && op.rows % 4 === 0 && op.stride % 4 === 0 && srcElem % 4 === 0 && range.offset % 16 === 0;
  if (blockable) {
    const blocks = (height / 4) * width;
    const [bx, by] = splitWorkgroups(Math.ceil(blocks / WORKGROUP), rt.limits.maxComputeWorkgroupsPerDimension);
    rt.dispatch(
      transposeBlockKernel(),
      [range, { buffer: scratch, offset: 0, size: scratchBytes }],
      { rowLen: op.rowLen, rows: op.rows, batchStride: op.stride, pitch, width, blocks, srcOff: srcElem },
      [bx, by],
    );
    rt.copyToTexture({ buffer: scratch, offset: 0, size: scratchBytes }, pitch * bpe, texture, width, height);
    rt.pool.release(scratch);
    return;
  }
  const [gx, gy] = splitWorkgroups(Math.ceil(total / WORKGROUP), rt.limits.maxComputeWorkgroupsPerDimension);
  rt.dispatch(
    padKernel(dtype, op.transposed),
    [range, { buffer: scratch, offset: 0, size: scratchBytes }],
    { rowLen: op.rowLen, rows: op.rows, batchStride: op.stride, pitch, width: width * 4, total, srcOff: srcElem },
    [gx, gy],
  );
  rt.copyToTexture({ buffer: scratch, offset: 0, size: scratchBytes }, pitch * bpe, texture, width, height);
  // Later users of the pooled buffer are recorded after this copy, so it reads first.
  rt.pool.release(scratch);
}

// ---------- the kernel ----------

const COMP = ['x', 'y', 'z', 'w'];
const fma4 = (acc: string, a4: string, b: (c: number) => string) =>
  `fma(vec4f(${a4}.w), ${b(3)}, fma(vec4f(${a4}.z), ${b(2)}, fma(vec4f(${a4}.y), ${b(1)}, fma(vec4f(${a4}.x), ${b(0)}, ${acc}))))`;

/** WGSL fetching b0..b3: for k = k0+c (c = 0..3), this lane's 4 columns of op(B) as a vec4. */
function fetchB(transB: boolean, k0: string, ind: string): string {
  if (!transB) {
    // B stored [K,N]: the lane's texel of row k holds its 4 columns.
    return [0, 1, 2, 3].map((c) => `${ind}let b${c} = textureLoad(Bt, vec2u(bx, bRow0 + min(${k0} + ${c}u, p.k - 1u)), 0);`).join('\n');
  }
  // Bᵀ stored [N,K]: one texel per column holds 4 values of k; regroup by k (free in SIMD-of-lanes code).
  const raw = [0, 1, 2, 3].map((j) => `${ind}let t${j} = textureLoad(Bt, vec2u(min(${k0} / 4u, kq - 1u), by${j}), 0);`);
  const regroup = [0, 1, 2, 3].map((c) => `${ind}let b${c} = vec4f(t0.${COMP[c]}, t1.${COMP[c]}, t2.${COMP[c]}, t3.${COMP[c]});`);
  return [...raw, ...regroup].join('\n');
}

function source(c: MatmulCall, params: ParamLayout, out: OutputStage): string {
  const R = TILE_ROWS;
  const texBinding = 1 + out.storage.length;
  const L: string[] = [];
  L.push(`enable subgroups;
${enableF16(c.dtype)}${params.wgsl()}${out.wgsl}
@group(0) @binding(${texBinding}) var At: texture_2d<f32>;
@group(0) @binding(${texBinding + 1}) var Bt: texture_2d<f32>;
var<workgroup> tile: array<vec4f, ${R * LANES}>;

@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) l: u32) {
  let rowBase = wid.y * ${R}u;
  let colBase = wid.x * ${TILE_COLS}u;
  let aRow0 = wid.z * p.aRows;
  let bRow0 = wid.z * p.bRows;
  let cBase = (wid.z + p.zBase) * p.m * p.n;
  let kq = (p.k + 3u) / 4u;`);
  if (!c.transB) L.push(`  let bx = min(wid.x * ${LANES}u + l, (p.n + 3u) / 4u - 1u);`);
  else for (let j = 0; j < 4; j++) L.push(`  let by${j} = bRow0 + min(colBase + 4u * l + ${j}u, p.n - 1u);`);
  for (let r = 0; r < R; r++) L.push(`  var acc${r} = vec4f();`);

  // Lane l fetches k-quad l of each row; shuffles hand quad t to every lane.
  for (let r = 0; r < R; r++) L.push(`  let ar${r} = aRow0 + min(rowBase + ${r}u, p.m - 1u);`);
  L.push(`  for (var kq0 = 0u; kq0 < kq; kq0 += ${LANES}u) {
    let ax = min(kq0 + l, kq - 1u);
    let ak = 4u * (kq0 + l);
    let live = vec4<bool>(ak < p.k, ak + 1u < p.k, ak + 2u < p.k, ak + 3u < p.k);`);
  for (let r = 0; r < R; r++) L.push(`    let a${r} = select(vec4f(), textureLoad(At, vec2u(ax, ar${r}), 0), live);`);
  L.push(`    for (var t = 0u; t < ${LANES}u; t++) {
      let k0 = 4u * (kq0 + t);
${fetchB(c.transB, 'k0', '      ')}`);
  for (let r = 0; r < R; r++) {
    L.push(`      let s${r} = subgroupShuffle(a${r}, t);`);
    L.push(`      acc${r} = ${fma4(`acc${r}`, `s${r}`, (cc) => `b${cc}`)};`);
  }
  L.push('    }\n  }');

  // Park the accumulators in workgroup memory (each lane its own slots, so no
  // barrier) and store from one loop: the epilogue is then compiled once, not
  // once per row — it dominated compile time with GELU.
  for (let r = 0; r < R; r++) L.push(`  tile[${r}u * ${LANES}u + l] = acc${r};`);
  L.push(`  let col0 = colBase + 4u * l;
  let rows = min(${R}u, p.m - min(rowBase, p.m));
  for (var r = 0u; r < rows; r++) {
    let v = tile[r * ${LANES}u + l];
    let o = cBase + (rowBase + r) * p.n;
    for (var e = 0u; e < 4u; e++) { if (col0 + e < p.n) { write_out(o + col0 + e, col0 + e, v[e]); } }
  }
}`);
  return L.join('\n');
}

export function runTexture(rt: Runtime, c: MatmulCall): void {
  const params = new ParamLayout().add('m').add('n').add('k').add('aRows').add('bRows').add('zBase');
  const out = outputStage(c.epilogue, c.dtype, c.out, 1, params);
  const kernel: Kernel = {
    // Aᵀ is transposed while staging, so only B's layout shapes the kernel.
    key: ['matmul-texture', c.dtype, c.transB ? 'tB' : 'nB', out.key].join('|'),
    params,
    storage: out.storage,
    textures: 2,
    source: () => source(c, params, out),
  };
  const [opA, opB] = operands(c);
  const per = batchesPerChunk(rt, c);
  const gx = Math.ceil(c.n / TILE_COLS);
  const gy = Math.ceil(c.m / TILE_ROWS);
  for (let b0 = 0; b0 < c.batch; b0 += per) {
    const nb = Math.min(per, c.batch - b0);
    const specs = [textureSpec(opA, c.dtype, nb), textureSpec(opB, c.dtype, nb)];
    const [texA, texB] = scratchTextures(rt, specs);
    stage(rt, c.a, opA, c.dtype, b0, texA, specs[0]);
    stage(rt, c.b, opB, c.dtype, b0, texB, specs[1]);
    const views = [texA.view, texB.view];
    const values = { m: c.m, n: c.n, k: c.k, aRows: opA.stride === 0 ? 0 : opA.rows, bRows: opB.stride === 0 ? 0 : opB.rows, ...out.values };
    dispatchBatched(rt, kernel, out.ranges, { ...values, zBase: b0 }, gx, gy, nb, views);
  }
}
