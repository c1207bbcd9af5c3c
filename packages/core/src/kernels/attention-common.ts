import { ParamLayout } from '../runtime/params.js';
import type { BufferRange, Kernel, StorageAccess } from '../runtime/kernel.js';
import type { AttentionVariant } from '../runtime/policy.js';
import type { Runtime } from '../runtime/runtime.js';
import { wgslType, type DType } from '../tensor/dtype.js';
import { enableF16, helpersFor, load, storageDecl, subgroupLanes as sharedSubgroupLanes } from './wgsl.js';

/**
 * Shared pieces of the fused (FlashAttention-style) attention kernels.
 *
 * Every fused kernel has the same shape: each lane owns one or two rows of
 * one sequence (query rows in the forward and dQ kernels, key rows in the
 * dK/dV kernel) held in registers — the head dim is a compile-time constant
 * and the generator unrolls it in vec4 chunks — and loops over the rows `r`
 * of the *other* sequence. The row loop stays a loop: unrolling it too made
 * lavapipe's LLVM take minutes per pipeline at D=64.
 *
 * Variants differ only in how a lane gets row r of the other sequence:
 * - `subgroup` (CPU adapters with subgroups): lane ℓ of each subgroup loads
 *   pieces ℓ, ℓ+S, … of the row and the lanes swap them with subgroup
 *   broadcasts. Measured on lavapipe (Mesa 25.0): a storage load inside a
 *   loop is a per-lane scalar load with a bounds check even when every lane
 *   reads the same address, so this cuts the forward ~13× (D=64, T=256) over
 *   `rows`. No barriers.
 * - `rows`: every lane loads the row itself. The fallback without subgroups.
 * - `tiled` (GPUs): the workgroup stages a tile of rows in workgroup memory
 *   (cooperative, coalesced loads, then a barrier) and lanes read it back as
 *   broadcasts.
 *
 * Tried on lavapipe and not kept: two rows of the other sequence per loop
 * iteration, so each accumulator is read and written once per two rows
 * (llvmpipe keeps a lane's rows in memory, not registers): the dK/dV kernel
 * went from 7.6 to 11.3 ms (T=256, best of 6) and took 32 s to compile.
 */
export type { AttentionVariant };

/** Largest head dim the fused kernels take (registers hold a few rows of it per lane). */
export const MAX_FUSED_HEAD_DIM = 128;

/** `rows`/`subgroup`: lanes per workgroup (a multiple of any subgroup size up to 32). */
export const ROWS_LANES = 32;
/**
 * `rows`/`subgroup`: lanes own two rows up to this head dim (every load and broadcast
 * then serves both: 1.5–2× faster at D=64 on lavapipe), one row above it
 * (two rows of D=128 made LLVM take minutes to compile the backward).
 */
export const ROWS_PAIR_MAX_HEAD_DIM = 64;
/** `tiled`: one lane per row; tiles as large as workgroup memory allows, up to this. */
export const TILED_LANES = 64;
export const TILED_MAX_TILE = 32;

/**
 * The forward's online softmax rescales its running sum and accumulator only
 * when a score exceeds the running max by more than this (a lazy rescale, as
 * in FlashAttention-4): most keys then skip the D multiplies of a rescale.
 * Terms stay below e^8 ≈ 3000 times their final scale, far from f32 overflow,
 * and the saved (max, log sum) pair stays exact whichever max was used.
 */
export const RESCALE_SLACK = '8.0';

/** Below every real score, MASKED_SCORE (−1e30) included: the running max starts here. */
export const NEG_SCORE = '-3.0e38';

/**
 * The fused kernels' layout: the profile's `attentionKernel` entry, or under
 * `auto`: GPUs 'tiled'; CPU adapters 'subgroup' where they have subgroups,
 * else 'rows'. Measurements: docs/perf/attention.md.
 */
export function chooseAttentionVariant(rt: Runtime): AttentionVariant {
  const { attentionKernel, adapterClass } = rt.profile;
  if (attentionKernel !== 'auto') return attentionKernel;
  if (adapterClass === 'gpu') return 'tiled';
  return subgroupLanes(rt) > 0 ? 'subgroup' : 'rows';
}

/** Compile-time facts a fused attention kernel is specialised on (all part of its key). */
export interface AttentionSpec {
  dtype: DType;
  /** Head dim. */
  d: number;
  variant: AttentionVariant;
  /** Rows per workgroup-memory tile (`tiled` only). */
  tile: number;
  /** Lanes per workgroup (one row each). */
  lanes: number;
  /** A key bias [B, Tk] (f32, 0 or MASKED_SCORE) is bound. */
  masked: boolean;
  /** Dropout on the probabilities, from the counter RNG. */
  dropout: boolean;
  /** Rows of its own sequence each lane owns (shares every load and broadcast among them). */
  rowsPerLane: number;
  /** `subgroup`: lanes that share each storage load through subgroup broadcasts (0 otherwise). */
  subgroup: number;
}

/** Runtime values shared by every fused kernel. */
export interface AttentionDims {
  /** B·H. */
  bh: number;
  heads: number;
  tq: number;
  tk: number;
  scale: number;
  /** Dropout key and probability (ignored when the spec has no dropout). */
  key: readonly [number, number];
  p: number;
}

export function attentionSpec(rt: Runtime, dtype: DType, d: number, variant: AttentionVariant, masked: boolean, dropout: boolean): AttentionSpec {
  if (variant !== 'tiled') {
    const rowsPerLane = d <= ROWS_PAIR_MAX_HEAD_DIM ? 2 : 1;
    const subgroup = variant === 'subgroup' ? subgroupLanes(rt) : 0;
    if (variant === 'subgroup' && subgroup === 0) throw new Error('attention: the subgroup variant needs a device with subgroups of at least 2 lanes');
    return { dtype, d, variant, tile: 1, lanes: ROWS_LANES, rowsPerLane, masked, dropout, subgroup };
  }
  // Two staged tiles of `tile` rows × ⌈d/4⌉ vec4s must fit in workgroup memory.
  const bytesPerRow = 2 * 16 * vecs(d);
  let tile = TILED_MAX_TILE;
  while (tile > 1 && tile * bytesPerRow > rt.limits.maxComputeWorkgroupStorageSize) tile /= 2;
  return { dtype, d, variant, tile, lanes: TILED_LANES, rowsPerLane: 1, masked, dropout, subgroup: 0 };
}

/** Most lanes a `subgroup` kernel shares loads over (pieces of a D=64 row: 16 vec4s, so 8 takes two loads a lane). */
export const MAX_SHARED_LOAD_LANES = 8;

/** Lanes the `subgroup` variant shares loads over on this device, or 0 where it has no subgroups. */
export function subgroupLanes(rt: Runtime): number {
  return sharedSubgroupLanes(rt, MAX_SHARED_LOAD_LANES);
}

export function specKey(name: string, s: AttentionSpec): string {
  return ['attention', name, s.variant, s.dtype, `d${s.d}`, `t${s.tile}`, `l${s.lanes}`, `r${s.rowsPerLane}`, `sg${s.subgroup}`, s.masked ? 'mask' : 'nomask', s.dropout ? 'drop' : 'nodrop'].join('|');
}

export function attentionParams(): ParamLayout {
  return new ParamLayout()
    .add('bh0').add('heads').add('tq').add('tk')
    .add('scale', 'f32').add('k0').add('k1').add('pdrop', 'f32').add('dscale', 'f32');
}

/** vec4 chunks per head-dim row. */
export function vecs(d: number): number {
  return Math.ceil(d / 4);
}

/** `f(0) + f(1) + …` over `n` terms, or `zero` when n is 0. */
export function sumOf(n: number, f: (i: number) => string, zero = '0.0'): string {
  return n === 0 ? zero : Array.from({ length: n }, (_, i) => f(i)).join(' + ');
}

/**
 * Statements computing `let ${name}${t} = Σ_c dot(own(t, c), shared(c))` for
 * each of the R rows a lane owns. Each shared chunk (a load or broadcast) is
 * taken once and used for all R rows while it is in a register.
 */
export function dotRows(s: AttentionSpec, name: string, R: number, own: (t: number, c: number) => string, shared: (c: number) => string): string {
  const nv = vecs(s.d);
  const parts = Math.min(2, nv);
  const lines: string[] = [];
  for (let c = 0; c < nv; c++) {
    lines.push(`    let ${name}x${c} = ${shared(c)};`);
    for (let t = 0; t < R; t++) {
      const acc = `${name}${t}_p${c % parts}`;
      lines.push(c < parts ? `    var ${acc} = ${own(t, c)} * ${name}x${c};` : `    ${acc} = fma(${own(t, c)}, ${name}x${c}, ${acc});`);
    }
  }
  for (let t = 0; t < R; t++) {
    const total = Array.from({ length: parts }, (_, i) => `${name}${t}_p${i}`).join(' + ');
    lines.push(`    let ${name}${t} = dot(${total}, vec4<f32>(1.0));`);
  }
  return lines.join('\n');
}

/** Statements `acc(t, c) += weight(t) · shared(c)` for the R rows a lane owns, each shared chunk taken once. */
export function accumulateRows(s: AttentionSpec, R: number, weight: (t: number) => string, acc: (t: number, c: number) => string, shared: (c: number) => string, tag = 'ax'): string {
  const lines: string[] = [];
  for (let c = 0; c < vecs(s.d); c++) {
    lines.push(`    let ${tag}${c} = ${shared(c)};`);
    for (let t = 0; t < R; t++) lines.push(`    ${acc(t, c)} = fma(vec4<f32>(${weight(t)}), ${tag}${c}, ${acc(t, c)});`);
  }
  return lines.join('\n');
}

/** Statements repeated for each i in [0, n), joined with newlines. */
export function each(n: number, f: (i: number) => string): string {
  return Array.from({ length: n }, (_, i) => f(i)).join('\n');
}

/**
 * A storage binding. Row arrays ([rows, d] tensors: Q, K, V, O and their
 * gradients) are bound as arrays of vec4 when d is a multiple of 4: one load
 * per chunk instead of four (lavapipe wraps every storage load in a per-lane
 * bounds-checked loop, so this cuts both run time and LLVM compile time).
 */
export interface AttentionBinding {
  name: string;
  dtype: DType;
  access: StorageAccess;
  rowArray?: boolean;
}

function vec4Rows(s: AttentionSpec): boolean {
  return s.d % 4 === 0;
}

/**
 * Chunk `c` (elements 4c…4c+3) of row `row` of row array `arr`, as
 * vec4<f32>; elements past d are 0.
 */
export function chunk(arr: string, row: string, c: number, s: AttentionSpec): string {
  if (vec4Rows(s)) {
    const v = `${arr}[${row} * ${vecs(s.d)}u + ${c}u]`;
    return s.dtype === 'float16' ? `vec4<f32>(${v})` : v;
  }
  const parts = [0, 1, 2, 3].map((x) => (4 * c + x < s.d ? load(arr, `${row} * ${s.d}u + ${4 * c + x}u`, s.dtype) : '0.0'));
  return `vec4<f32>(${parts.join(', ')})`;
}

/** Stores vec4 registers `${name}0…` (times `scaleExpr`) as row `row` of row array `arr`. */
export function storeRow(arr: string, row: string, name: string, scaleExpr: string, s: AttentionSpec): string {
  const out: string[] = [];
  const nv = vecs(s.d);
  for (let c = 0; c < nv; c++) {
    if (vec4Rows(s)) {
      const v = `${name}${c}${scaleExpr}`;
      out.push(`    ${arr}[${row} * ${nv}u + ${c}u] = ${s.dtype === 'float16' ? `vec4<f16>(${v})` : v};`);
      continue;
    }
    for (let x = 0; x < 4 && 4 * c + x < s.d; x++) {
      const v = `(${name}${c}${scaleExpr})[${x}]`;
      out.push(`    ${arr}[${row} * ${s.d}u + ${4 * c + x}u] = ${s.dtype === 'float16' ? `f16(${v})` : v};`);
    }
  }
  return out.join('\n');
}

/**
 * The loop over the rows `r` of the other sequence, with vec4 chunks of row
 * r of two row arrays (K and V, or Q and dO) loaded once per iteration.
 */
export interface RowLoop {
  /** WGSL declarations at module scope (workgroup arrays). */
  decls: string;
  /** Opens the loop; inside, `r` is the row (0 ≤ r < n). */
  open: string;
  close: string;
  /** vec4 chunk `c` of row r of the first (`a`) or second (`b`) array. */
  elem: (which: 'a' | 'b', c: number) => string;
}

/**
 * Loop over rows `base + r`, r in [0, n), of row arrays `a` and `b`
 * (`base` and `n` are uniform in the workgroup).
 */
export function rowLoop(s: AttentionSpec, a: string, b: string, base: string, n: string): RowLoop {
  const nv = vecs(s.d);
  if (s.variant === 'subgroup') {
    // Lane ℓ loads the pieces g·S + ℓ of the row, then every lane takes piece
    // p from lane p mod S by a subgroup broadcast: S times fewer storage loads.
    const S = s.subgroup;
    const v4 = vec4Rows(s);
    const pieces = v4 ? nv : s.d;
    const groups = Math.ceil(pieces / S);
    const loads = (arr: string, tag: string) =>
      each(groups, (g) => {
        const idx = `min(${g * S}u + sl, ${pieces - 1}u)`;
        const v = v4 ? `${arr}[ro * ${nv}u + ${idx}]` : `${arr}[ro * ${s.d}u + ${idx}]`;
        const conv = s.dtype === 'float16' ? (v4 ? `vec4<f32>(${v})` : `f32(${v})`) : v;
        return `    let ${tag}${g} = ${conv};`;
      });
    const piece = (tag: string, i: number) => `subgroupBroadcast(${tag}${Math.floor(i / S)}, ${i % S}u)`;
    const elemOf = (tag: string, c: number) => {
      if (v4) return piece(tag, c);
      const parts = [0, 1, 2, 3].map((x) => (4 * c + x < s.d ? piece(tag, 4 * c + x) : '0.0'));
      return `vec4<f32>(${parts.join(', ')})`;
    };
    return {
      decls: '',
      open: `  for (var r = 0u; r < ${n}; r++) {
    let ro = ${base} + r;
${loads(a, 'la')}
${loads(b, 'lb')}`,
      close: '  }',
      elem: (which, c) => elemOf(which === 'a' ? 'la' : 'lb', c),
    };
  }
  if (s.variant === 'rows') {
    return {
      decls: '',
      open: `  for (var r = 0u; r < ${n}; r++) {
    let ro = ${base} + r;`,
      close: '  }',
      elem: (which, c) => chunk(which === 'a' ? a : b, 'ro', c, s),
    };
  }
  const size = s.tile * nv;
  const stage = (arr: string) => {
    if (vec4Rows(s)) return s.dtype === 'float16' ? `vec4<f32>(${arr}[o * ${nv}u + c])` : `${arr}[o * ${nv}u + c]`;
    const comp = (x: number) => {
      const v = load(arr, `o * ${s.d}u + min(4u * c + ${x}u, ${s.d - 1}u)`, s.dtype);
      return `select(0.0, ${v}, 4u * c + ${x}u < ${s.d}u)`;
    };
    return `vec4<f32>(${[0, 1, 2, 3].map(comp).join(', ')})`;
  };
  return {
    decls: `var<workgroup> tileA: array<vec4<f32>, ${size}>;\nvar<workgroup> tileB: array<vec4<f32>, ${size}>;\n`,
    open: `  for (var t0 = 0u; t0 < ${n}; t0 += ${s.tile}u) {
    // Rows past n are clamped to n − 1 (staged but never read).
    for (var e = lid; e < ${size}u; e += ${s.lanes}u) {
      let c = e % ${nv}u;
      let o = ${base} + min(t0 + e / ${nv}u, ${n} - 1u);
      tileA[e] = ${stage(a)};
      tileB[e] = ${stage(b)};
    }
    workgroupBarrier();
    let tn = min(${s.tile}u, ${n} - t0);
    for (var u = 0u; u < tn; u++) {
    let r = t0 + u;
    let tu = u * ${nv}u;`,
    close: `    }
    workgroupBarrier();
  }`,
    elem: (which, c) => `${which === 'a' ? 'tileA' : 'tileB'}[tu + ${c}u]`,
  };
}

/** Module header: f16 enable, params, storage bindings (from 1, in order), helpers the body uses. */
export function moduleHeader(s: AttentionSpec, params: ParamLayout, bindings: readonly AttentionBinding[], body: string): string {
  const decls = bindings
    .map((bd, i) => {
      if (!bd.rowArray || !vec4Rows(s)) return storageDecl(i + 1, bd.name, bd.dtype, bd.access);
      return `@group(0) @binding(${i + 1}) var<storage, ${bd.access}> ${bd.name}: array<vec4<${wgslType(bd.dtype)}>>;\n`;
    })
    .join('');
  const enables = `${enableF16(s.dtype)}${s.subgroup > 0 ? 'enable subgroups;\n' : ''}`;
  return `${enables}${params.wgsl()}${decls}${helpersFor(body)}\n`;
}

/**
 * The entry point's first lines: workgroup id `wid`, local index `lid`, the
 * batch·head `bh` and, when loads are shared, this lane's subgroup slot `sl`.
 */
export function entryPoint(s: AttentionSpec): string {
  const sg = s.subgroup > 0;
  return `@compute @workgroup_size(${s.lanes})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32${sg ? ', @builtin(subgroup_invocation_id) sgi: u32' : ''}) {
  let bh = p.bh0 + wid.y;
  let biasBase = (bh / p.heads) * p.tk;${sg ? `\n  let sl = sgi % ${s.subgroup}u;` : ''}`;
}

/** WGSL: dropout keep test for RNG counter expression `ctr` (same test as the dropout op). */
export function keep(ctr: string): string {
  return `(rng_u01(p.k0, p.k1, ${ctr}) >= p.pdrop)`;
}

/**
 * Dispatches `kernel` over [⌈rows/lanes⌉, B·H] workgroups, in chunks of B·H
 * when it passes the per-dimension limit (`bh0` tells the kernel its offset).
 */
export function dispatchRows(rt: Runtime, kernel: Kernel, buffers: readonly BufferRange[], s: AttentionSpec, dims: AttentionDims, rows: number): void {
  const maxDim = rt.limits.maxComputeWorkgroupsPerDimension;
  const gx = Math.ceil(rows / (s.lanes * s.rowsPerLane));
  if (gx > maxDim) throw new Error(`attention: ${rows} rows need more than ${maxDim} workgroups`);
  const values = {
    heads: dims.heads,
    tq: dims.tq,
    tk: dims.tk,
    scale: dims.scale,
    k0: dims.key[0],
    k1: dims.key[1],
    pdrop: dims.p,
    dscale: dims.p > 0 ? 1 / (1 - dims.p) : 1,
  };
  for (let bh0 = 0; bh0 < dims.bh; bh0 += maxDim) {
    rt.dispatch(kernel, buffers, { ...values, bh0 }, [gx, Math.min(maxDim, dims.bh - bh0)]);
  }
}
