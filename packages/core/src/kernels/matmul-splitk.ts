import type { Kernel } from '../runtime/kernel.js';
import { ParamLayout } from '../runtime/params.js';
import type { Runtime } from '../runtime/runtime.js';
import type { MatmulCall } from './matmul.js';
import { runBlocked } from './matmul-blocked.js';
import { outputStage } from './matmul-common.js';
import { TILE_64, runTiled } from './matmul-tiled.js';
import { MAIN_1D, WORKGROUP, splitWorkgroups } from './wgsl.js';

/**
 * Split-K for tall-K products with a small output — weight gradients
 * dW = Xᵀ·dY, where K = batch·sequence runs to thousands while the output
 * [in×out] gives a GPU too few tiles to fill its cores. The K range is cut
 * into chunks computed as independent partial products (workgroup z =
 * batch·splits + split) into an f32 scratch buffer, then one pass sums the
 * chunks and applies the epilogue. Partials stay f32 even for f16 operands.
 */

/**
 * Workgroups (tiles × splits) to aim for: about four per SM of an H100
 * (132 SMs). Measured there: [1024²]·[1024²] gains 8% from 2 splits, while
 * 768 tiles ([1024×768]·[768×3072]) lose 10% from any split.
 */
export const SPLITK_TARGET_WORKGROUPS = 512;
/** Shortest K chunk worth its own partial product (also a multiple of every tile's BK). */
export const SPLITK_MIN_CHUNK = 256;
export const SPLITK_MAX_SPLITS = 16;

/** How many chunks to cut K into (1 = splitting does not pay). */
export function splitCount(c: Pick<MatmulCall, 'batch' | 'm' | 'n' | 'k'>, tileM = TILE_64.bm, tileN = TILE_64.bn): number {
  const tiles = c.batch * Math.ceil(c.m / tileM) * Math.ceil(c.n / tileN);
  const want = Math.ceil(SPLITK_TARGET_WORKGROUPS / tiles);
  const most = Math.floor(c.k / SPLITK_MIN_CHUNK);
  return Math.max(1, Math.min(want, most, SPLITK_MAX_SPLITS));
}

function reduceKernel(c: MatmulCall, out: ReturnType<typeof outputStage>, params: ParamLayout): Kernel {
  return {
    key: ['matmul-splitk-reduce', c.dtype, out.key].join('|'),
    params,
    storage: ['read', ...out.storage],
    source: () => `${c.dtype === 'float16' ? 'enable f16;\n' : ''}${params.wgsl()}@group(0) @binding(1) var<storage, read> P: array<f32>;
${out.wgsl}
${MAIN_1D}
  if (i >= p.total) { return; }
  let b = i / p.mn;
  let r = i - b * p.mn;
  var acc = 0.0;
  for (var s = 0u; s < p.splits; s++) { acc += P[(b * p.splits + s) * p.mn + r]; }
  write_out(i, r % p.n, acc);
}
`,
  };
}

/**
 * Which kernel computes the partial products: the profile's `splitkPartials`,
 * or under `auto` the tiled kernel on GPUs and the portable blocked one on CPU
 * adapters (no workgroup memory there: docs/perf/matmul.md).
 */
export function chooseSplitKPartials(rt: Runtime): 'blocked' | 'tiled' {
  const { splitkPartials, adapterClass } = rt.profile;
  if (splitkPartials !== 'auto') return splitkPartials;
  return adapterClass === 'cpu' ? 'blocked' : 'tiled';
}

/** Records the product with K cut into `splits` chunks (default: splitCount). */
export function runSplitK(rt: Runtime, c: MatmulCall, splits = Math.max(2, splitCount(c))): void {
  // Chunks are whole BK steps so the aligned tiled build still applies.
  const kChunk = Math.max(TILE_64.bk, Math.ceil(c.k / splits / TILE_64.bk) * TILE_64.bk);
  const used = Math.ceil(c.k / kChunk);
  const mn = c.m * c.n;
  const bytes = c.batch * used * mn * 4;
  const scratch = rt.pool.acquire(bytes);
  const partials = { buffer: scratch, offset: 0, size: bytes };
  const part: MatmulCall = { ...c, out: partials, epilogue: undefined };
  if (chooseSplitKPartials(rt) === 'blocked') runBlocked(rt, part, { splits: used, kChunk });
  else runTiled(rt, part, TILE_64, { splits: used, kChunk });

  const params = new ParamLayout().add('total').add('mn').add('n').add('splits');
  const out = outputStage(c.epilogue, c.dtype, c.out, 2, params);
  const total = c.batch * mn;
  const [gx, gy] = splitWorkgroups(Math.ceil(total / WORKGROUP), rt.limits.maxComputeWorkgroupsPerDimension);
  rt.dispatch(reduceKernel(c, out, params), [partials, ...out.ranges], { total, mn, n: c.n, splits: used, ...out.values }, [gx, gy]);
  // Later users of the pooled buffer are recorded after the reduction, so it reads first.
  rt.pool.release(scratch);
}
