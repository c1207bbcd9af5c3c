import type { BufferRange, Kernel, StorageAccess } from '../runtime/kernel.js';
import type { ParamLayout } from '../runtime/params.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import type { MatmulCall, MatmulEpilogue } from './matmul.js';
import { helpersFor, store } from './wgsl.js';

/**
 * The output side every matmul kernel shares: storage bindings for C and the
 * epilogue operands, and `fn write_out(i, col, acc)` that stores element i
 * (flat index into C, `col` its column) after scale, bias, activation and residual.
 */
export interface OutputStage {
  /** Pipeline-key fragment naming the epilogue. */
  key: string;
  storage: StorageAccess[];
  ranges: BufferRange[];
  wgsl: string;
  /** Params fields the epilogue added to the kernel's layout (the scale), to merge into the dispatch's values. */
  values: Record<string, number>;
}

/**
 * `partial` stores raw f32 sums (split-K's scratch) and ignores the epilogue;
 * otherwise C has the call's dtype and the epilogue is applied. A scale other
 * than 1 becomes an f32 field of `params` (like elementwise scalars), so one
 * pipeline serves every value.
 */
export function outputStage(e: MatmulEpilogue | undefined, dtype: DType, out: BufferRange, firstBinding: number, params: ParamLayout, partial = false): OutputStage {
  const ep: MatmulEpilogue = partial ? {} : (e ?? {});
  const t = partial ? 'f32' : dtype === 'float16' ? 'f16' : 'f32';
  const st = (x: string) => (partial ? x : store(x, dtype));
  const ld = (x: string) => (t === 'f16' ? `f32(${x})` : x);
  const decls: string[] = [];
  const storage: StorageAccess[] = [];
  const ranges: BufferRange[] = [];
  const bind = (name: string, range: BufferRange, access: StorageAccess) => {
    decls.push(`@group(0) @binding(${firstBinding + storage.length}) var<storage, ${access}> ${name}: array<${t}>;`);
    storage.push(access);
    ranges.push(range);
  };
  bind('C', out, 'read_write');
  const body: string[] = ['  var z = acc;'];
  const scaled = ep.alpha !== undefined && ep.alpha !== 1;
  const values: Record<string, number> = {};
  if (scaled) {
    params.add('alpha', 'f32');
    values.alpha = ep.alpha!;
    body.push('  z = z * p.alpha;');
  }
  if (ep.bias) {
    bind('Bias', ep.bias, 'read');
    body.push(`  z = z + ${ld('Bias[col]')};`);
  }
  if (ep.preact) {
    bind('Pre', ep.preact, 'read_write');
    body.push(`  Pre[i] = ${st('z')};`);
  }
  if (ep.activation === 'gelu') body.push('  z = gelu_f(z);');
  if (ep.residual) {
    bind('Res', ep.residual, 'read');
    body.push(`  z = z + ${ld('Res[i]')};`);
  }
  body.push(`  C[i] = ${st('z')};`);
  const fn = `fn write_out(i: u32, col: u32, acc: f32) {\n${body.join('\n')}\n}`;
  const key = partial ? 'partial' : `e${scaled ? 's' : ''}${ep.bias ? 'b' : ''}${ep.activation === 'gelu' ? 'g' : ''}${ep.residual ? 'r' : ''}${ep.preact ? 'p' : ''}`;
  return { key, storage, ranges, wgsl: `${decls.join('\n')}\n${helpersFor(fn)}\n${fn}\n`, values };
}

/**
 * Dispatches `kernel` once per chunk of at most maxComputeWorkgroupsPerDimension
 * batches along z; the kernel adds `p.zBase` (params.zBase plus the chunk's
 * start) to its workgroup z so bindings never need sub-ranges (whose offsets
 * would have to be 256-byte aligned).
 */
export function dispatchBatched(
  rt: Runtime,
  kernel: Kernel,
  buffers: readonly BufferRange[],
  params: Record<string, number>,
  gx: number,
  gy: number,
  batches: number,
  textures: readonly GPUTextureView[] = [],
): void {
  const maxZ = rt.limits.maxComputeWorkgroupsPerDimension;
  const base = params.zBase ?? 0;
  for (let z0 = 0; z0 < batches; z0 += maxZ) {
    rt.dispatch(kernel, buffers, { ...params, zBase: base + z0 }, [gx, gy, Math.min(maxZ, batches - z0)], textures);
  }
}

/** Split-K partials: K cut into `splits` chunks of `kChunk` (the last may be shorter). */
export interface SplitK {
  splits: number;
  kChunk: number;
}

/**
 * Params every storage-reading variant takes. `splits`/`kChunk` let the same
 * kernels compute split-K partials: workgroup z = batch·splits + split, and
 * split s sums k in [s·kChunk, min(k, (s+1)·kChunk)).
 */
export function addShapeParams(params: ParamLayout): ParamLayout {
  return params.add('m').add('n').add('k').add('strideA').add('strideB').add('zBase').add('splits').add('kChunk');
}

export function shapeParams(c: MatmulCall, splits = 1, kChunk = c.k): Record<string, number> {
  return { m: c.m, n: c.n, k: c.k, strideA: c.strideA, strideB: c.strideB, splits, kChunk };
}

/** WGSL prologue: batch `bz`, this z's output base `cBase` and the K range [kBegin, kEnd). */
export const SPLIT_PROLOGUE = `  let z = wid.z + p.zBase;
  let bz = z / p.splits;
  let kBegin = (z % p.splits) * p.kChunk;
  let kEnd = min(p.k, kBegin + p.kChunk);
  let aBase = bz * p.strideA;
  let bBase = bz * p.strideB;
  let cBase = z * p.m * p.n;`;

/** WGSL index of op(A)[row, kk] for batch base `base`. */
export function aIndex(transA: boolean, base: string, row: string, kk: string): string {
  return transA ? `${base} + (${kk}) * p.m + (${row})` : `${base} + (${row}) * p.k + (${kk})`;
}

/** WGSL index of op(B)[kk, col] for batch base `base`. */
export function bIndex(transB: boolean, base: string, kk: string, col: string): string {
  return transB ? `${base} + (${col}) * p.k + (${kk})` : `${base} + (${kk}) * p.n + (${col})`;
}
