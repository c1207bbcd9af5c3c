import type { Runtime } from '../runtime/runtime.js';
import type { MatmulCall, MatmulVariant } from './matmul.js';
import { splitCount } from './matmul-splitk.js';
import { textureFits } from './matmul-texture.js';

/**
 * Picks the matmul kernel for an adapter and shape. The rule, and the
 * measurements behind it (test/perf/matmul.perf.ts reproduces them):
 *
 * CPU adapters — lavapipe on this 2-core machine. Compared by the CPU time of
 * lavapipe's worker threads, which other processes sharing the cores don't
 * inflate; GFLOP/s = 2·M·N·K / (cpu/2). Wall-clock GFLOP/s from rt.timeGPU
 * (staging copies included) under a load average of 5–7 in parentheses.
 *
 *   shape                           blocked        texture
 *   128×768 · (768×768)ᵀ            11.2 (2.7)     46 (15.3)
 *   128×768 · (3072×768)ᵀ           11.4 (3.6)     54 (15.0)
 *   128×3072 · (768×3072)ᵀ           5.6 (1.9)     52 (20.6)
 *   1024×768 · (768×768)ᵀ           11.2 (3.7)     45 (14.9)
 *   1024×768 · (3072×768)ᵀ          11.1 (3.6)     54 (19.1)
 *   1024×3072 · (768×3072)ᵀ          5.9 (1.9)     54 (18.1)
 *   dW (1024×768)ᵀ · 1024×768       11.4 (3.8)     51 (17.0)
 *   dW (1024×3072)ᵀ · 1024×768      11.3 (3.9)     39 (12.5)
 *   dW (1024×768)ᵀ · 1024×3072      10.8 (5.2)     36 (22.4)
 *   12×128×64 · (12×128×64)ᵀ        11.5 (4.6)     41 (13.3)
 *   1×768 · (3072×768)ᵀ              2.5 (0.8)    1.5 (0.4)   (staging B outweighs the product)
 *   256×768 · (4×768)ᵀ               3.3            5.1        ('small': 1.4)
 *
 *   Texture tile rows 16/24/32/48/64 at 1024×768·768×768: 54/62/66/69/63.
 *   Dropped after measuring: storage loads with subgroup broadcasts (25 at
 *   best: every storage load is a per-lane loop with bounds checks), texture
 *   tiles without subgroups (30), workgroup-memory tiles and 'small' (slow:
 *   barriers are coroutine switches on lavapipe), 'tiled' (6.4).
 *   → 'blocked' when M ≤ SMALL_DIM, else 'texture' where it fits, else 'blocked'.
 *
 * Discrete GPUs — NVIDIA H100 through Dawn/Vulkan, TFLOP/s from timestamps (f32):
 *
 *   shape                           tiled  tiled-wide  splitk  small
 *   128×768 · (768×768)ᵀ             0.62     0.21      1.54    0.74
 *   128×3072 · (768×3072)ᵀ           1.32     0.47      6.14    1.88
 *   1024×768 · (768×768)ᵀ           16.8      9.2      20.5     3.9
 *   1024×768 · (3072×768)ᵀ          25.4     21.1      23.0     3.8
 *   1024×3072 · (768×3072)ᵀ         17.2      9.5      24.6     3.9
 *   dW (1024×768)ᵀ · 1024×768       14.2      7.7      20.5     0.4
 *   dW (1024×3072)ᵀ · 1024×768      28.4     18.4      28.4     0.4
 *   96×128×64 · (96×128×64)ᵀ        15.4      6.1       7.7     0.8
 *   512² · 512²                      8.2      2.9      13.7     0.5
 *   1024² · 1024²                   23.4     12.6      25.2     0.5
 *   2048² · 2048²                   29.1     31.6      27.9     0.5
 *   4096² · 4096²                   30.1     32.9      29.9      —
 *   32×768 · (2×768)ᵀ               'small' fastest (all under 0.01)
 *   → 'small' when min(M, N) ≤ SMALL_DIM; 'splitk' when the output has too
 *   few 64×64 tiles to fill the GPU (splitCount > 1); 'tiled-wide' from
 *   WIDE_MIN_OUTPUTS outputs; 'tiled' otherwise.
 */

/** An output dim this small is a matrix–vector product, not a tiled one. */
export const SMALL_DIM = 4;
/** Outputs per batch from which the 128×128 GPU tile beats the 64×64 one. */
export const WIDE_MIN_OUTPUTS = 2048 * 2048;

export type MatmulShape = Pick<MatmulCall, 'batch' | 'm' | 'n' | 'k' | 'transA' | 'transB' | 'dtype' | 'strideA' | 'strideB'>;

export function chooseMatmulVariant(rt: Runtime, s: MatmulShape): MatmulVariant {
  if (rt.adapter.isCPU) {
    if (s.m <= SMALL_DIM) return 'blocked';
    return textureFits(rt, s) ? 'texture' : 'blocked';
  }
  if (Math.min(s.m, s.n) <= SMALL_DIM && s.m <= rt.limits.maxComputeWorkgroupsPerDimension) return 'small';
  if (s.k > 0 && splitCount(s) > 1) return 'splitk';
  return s.m * s.n >= WIDE_MIN_OUTPUTS ? 'tiled-wide' : 'tiled';
}
