import { ShapeError, fmtShape } from '../errors.js';
import { runMatmul, type MatmulVariant } from '../kernels/matmul.js';
import { broadcastShapes, numel } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { registerOp } from './registry.js';
import { expand } from './shape.js';
import { sumTo } from './reduce.js';
import { empty, record, requireDtype, requireSameDtype, runtimeOf } from './util.js';

export interface MatmulOptions {
  /** Use Aᵀ: a is stored [..., K, M]. */
  transA?: boolean;
  /** Use Bᵀ: b is stored [..., N, K] (PyTorch's Linear weight layout). */
  transB?: boolean;
  /** Forces a kernel variant (tests force each one). */
  variant?: MatmulVariant;
}

/**
 * (Batched) matrix product op(a)·op(b) over the last two dims, batch dims
 * broadcast. Transposed operands are read in place.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const rt = runtimeOf('matmul', a, b);
  requireSameDtype('matmul', a, b);
  requireDtype('matmul', a, 'float32', 'float16');
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(`matmul: operands need at least 2 dims, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  const [m, ka] = transA ? [a.shape[a.rank - 1], a.shape[a.rank - 2]] : [a.shape[a.rank - 2], a.shape[a.rank - 1]];
  const [kb, n] = transB ? [b.shape[b.rank - 1], b.shape[b.rank - 2]] : [b.shape[b.rank - 2], b.shape[b.rank - 1]];
  if (ka !== kb) {
    throw new ShapeError(
      `matmul: inner dims differ: ${fmtShape(a.shape)}${transA ? 'ᵀ' : ''} · ${fmtShape(b.shape)}${transB ? 'ᵀ' : ''} (${ka} vs ${kb})`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchShape = broadcastShapes('matmul', batchA, batchB);
  const batch = numel(batchShape);
  // An operand whose batch dims are all 1 is shared (stride 0); one that
  // partly broadcasts is materialised to the full batch first.
  const fit = (t: Tensor, own: readonly number[]): { t: Tensor; stride: number; tmp: boolean } => {
    const size = t.shape[t.rank - 2] * t.shape[t.rank - 1];
    if (numel(own) === 1) return { t, stride: 0, tmp: false };
    if (own.length === batchShape.length && own.every((d, i) => d === batchShape[i])) return { t, stride: size, tmp: false };
    return { t: expand(t, [...batchShape, ...t.shape.slice(-2)]), stride: size, tmp: true };
  };
  const fa = fit(a, batchA);
  const fb = fit(b, batchB);
  const out = empty(rt, [...batchShape, m, n], a.dtype);
  runMatmul(rt, {
    a: fa.t.binding(), b: fb.t.binding(), out: out.binding(), dtype: a.dtype,
    batch, m, n, k: ka, transA, transB, strideA: fa.stride, strideB: fb.stride, variant: opts.variant,
  });
  if (fa.tmp) fa.t.dispose();
  if (fb.tmp) fb.t.dispose();
  return record(out, 'matmul', [a, b], [a, b], (g, [as, bs]) => {
    const grads: (Tensor | null)[] = [null, null];
    if (a.requiresGrad) {
      const full = transA ? matmul(bs, g, { transA: transB, transB: true }) : matmul(g, bs, { transB: !transB });
      grads[0] = sumTo(full, a.shape);
      full.dispose();
    }
    if (b.requiresGrad) {
      const full = transB ? matmul(g, as, { transA: true, transB: transA }) : matmul(as, g, { transA: !transA });
      grads[1] = sumTo(full, b.shape);
      full.dispose();
    }
    return grads;
  });
}

registerOp('matmul', true);
