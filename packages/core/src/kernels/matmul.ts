import type { BufferRange } from '../runtime/kernel.js';
import { pinnedValues, type MatmulVariant } from '../runtime/policy.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { runBlocked } from './matmul-blocked.js';
import { chooseMatmulVariant } from './matmul-choose.js';
import { runSmall } from './matmul-small.js';
import { runSplitK } from './matmul-splitk.js';
import { runTexture, textureFits } from './matmul-texture.js';
import { TILE_128, runTiled } from './matmul-tiled.js';

/**
 * Batched C[b] = act(alpha · op(A[b]) · op(B[b]) + bias) + residual[b], with
 * op = identity or transpose read in place (transposed operands are never
 * copied into a new layout). A batch stride of 0 broadcasts an operand.
 *
 * Variants (each in its own file; `chooseMatmulVariant` picks one per
 * adapter and shape, tests force each):
 * - `texture`: CPU adapters (lavapipe). Operands are copied into rgba
 *   textures and read with textureLoad, four values per fetch; one subgroup
 *   of 8 lanes computes a 32×32 tile, sharing A values by subgroup shuffles.
 * - `tiled` / `tiled-wide`: discrete GPUs. 64×64 (128×128) tiles staged
 *   through workgroup memory with vec4 loads, 4×4 (8×8) outputs per
 *   invocation; a bounds-check-free build when the shape divides the tiles.
 * - `blocked`: the portable fallback. 4×4 outputs per invocation straight
 *   from storage, no workgroup memory, no subgroups.
 * - `splitk`: tall K with a small output (weight gradients dW = Xᵀ·dY):
 *   partial products over K chunks, then a reduction that applies the epilogue.
 * - `small`: matrix–vector shapes (M or N tiny): invocations split K and
 *   reduce in workgroup memory.
 */
export type { MatmulVariant };

export const MATMUL_VARIANTS: readonly MatmulVariant[] = pinnedValues('matmul');

export type MatmulActivation = 'gelu';

/** What happens to each output value after the product, fused into the store. */
export interface MatmulEpilogue {
  /**
   * Scales the product before anything else (BLAS's alpha), in the kernel's
   * params: attention's 1/√D costs no pass over its scores, and no pipeline
   * per value.
   */
  alpha?: number;
  /** Added to every row: n values of the output dtype. */
  bias?: BufferRange;
  activation?: MatmulActivation;
  /** Added after the activation: same layout as the output. */
  residual?: BufferRange;
  /** Also store the pre-activation (product + bias) here; backward of the activation needs it. */
  preact?: BufferRange;
}

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
  epilogue?: MatmulEpilogue;
}

/** Records the product in the variant chooseMatmulVariant picks (the device profile's). */
export function runMatmul(rt: Runtime, c: MatmulCall): void {
  if (c.batch === 0 || c.m === 0 || c.n === 0) return;
  let variant = chooseMatmulVariant(rt, c);
  // A pinned texture variant the adapter or the texture limits can't serve
  // (or K = 0: no texels) falls back to the portable kernel rather than failing.
  if (variant === 'texture' && (c.k === 0 || !textureFits(rt, c))) variant = 'blocked';
  switch (variant) {
    case 'texture':
      return runTexture(rt, c);
    case 'tiled':
      return runTiled(rt, c);
    case 'tiled-wide':
      return runTiled(rt, c, TILE_128);
    case 'blocked':
      return runBlocked(rt, c);
    case 'splitk':
      return runSplitK(rt, c);
    case 'small':
      return runSmall(rt, c);
  }
}

export { chooseMatmulVariant };
