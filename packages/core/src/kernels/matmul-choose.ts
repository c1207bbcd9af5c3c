import type { Runtime } from '../runtime/runtime.js';
import type { MatmulCall, MatmulVariant } from './matmul.js';
import { splitCount } from './matmul-splitk.js';
import { textureFits } from './matmul-texture.js';

/** An output dim this small is a matrix–vector product, not a tiled one. */
export const SMALL_DIM = 4;
/** Outputs per batch from which the 128×128 GPU tile beats the 64×64 one. */
export const WIDE_MIN_OUTPUTS = 2048 * 2048;

export type MatmulShape = Pick<MatmulCall, 'batch' | 'm' | 'n' | 'k' | 'transA' | 'transB' | 'dtype' | 'strideA' | 'strideB'>;

/**
 * The matmul kernel: the profile's `matmul` entry, or under `auto` per shape
 * (measurements: docs/perf/matmul.md).
 * CPU: 'blocked' when M ≤ SMALL_DIM, else 'texture' where it fits, else 'blocked'.
 * GPU: 'small' when min(M, N) ≤ SMALL_DIM; 'splitk' when the output has too few
 * 64×64 tiles to fill the card; 'tiled-wide' from WIDE_MIN_OUTPUTS outputs; else 'tiled'.
 */
export function chooseMatmulVariant(rt: Runtime, s: MatmulShape): MatmulVariant {
  const { matmul, adapterClass } = rt.profile;
  if (matmul !== 'auto') return matmul;
  if (adapterClass === 'cpu') {
    if (s.m <= SMALL_DIM) return 'blocked';
    return textureFits(rt, s) ? 'texture' : 'blocked';
  }
  if (Math.min(s.m, s.n) <= SMALL_DIM && s.m <= rt.limits.maxComputeWorkgroupsPerDimension) return 'small';
  if (s.k > 0 && splitCount(s) > 1) return 'splitk';
  return s.m * s.n >= WIDE_MIN_OUTPUTS ? 'tiled-wide' : 'tiled';
}
