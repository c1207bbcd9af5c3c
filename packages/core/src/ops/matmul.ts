import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { runMatmul, type MatmulActivation } from '../kernels/matmul.js';
import { broadcastShapes, numel } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { map } from './map.js';
import { registerOp } from './registry.js';
import { expand } from './shape.js';
import { sumTo } from './reduce.js';
import { empty, record, requireDtype, requireSameDtype, runtimeOf, willRecord } from './util.js';

export interface MatmulOptions {
  /** Use Aᵀ: a is stored [..., K, M]. */
  transA?: boolean;
  /** Use Bᵀ: b is stored [..., N, K] (PyTorch's Linear weight layout). */
  transB?: boolean;
  /** Scales the product (default 1), fused into the kernel: attention's 1/√D without a pass over the scores. */
  alpha?: number;
  /** Added to every output row before the activation: shape [N]. */
  bias?: Tensor;
  /** Applied after the bias: 'gelu' is BERT's exact erf form. */
  activation?: MatmulActivation;
  /** Added last, after the activation: the output's shape. */
  residual?: Tensor;
}

/**
 * (Batched) matrix product over the last two dims, batch dims broadcast,
 * with an optional fused epilogue:
 *   out = activation(alpha·op(a)·op(b) + bias) + residual.
 * Transposed operands are read in place. Gradients: the operands get alpha
 * times the plain products' (fused the same way), the bias gets the column
 * sums of the activation's gradient, the residual the output gradient as is;
 * GELU's gradient uses the pre-activation, which the kernel stores alongside
 * the output only when a gradient will need it.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const { bias, residual, activation } = opts;
  const rt = runtimeOf('matmul', a, b, ...(bias ? [bias] : []), ...(residual ? [residual] : []));
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
  if (activation !== undefined && activation !== 'gelu') throw new Error(`matmul: unknown activation "${String(activation)}" (expected 'gelu')`);
  const alpha = opts.alpha ?? 1;
  if (typeof alpha !== 'number' || !Number.isFinite(Math.fround(alpha))) throw new RangeError(`matmul: alpha must be a finite float32 number, got ${String(alpha)}`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchShape = broadcastShapes('matmul', batchA, batchB);
  const outShape = [...batchShape, m, n];
  if (bias) {
    if (bias.dtype !== a.dtype) throw new DTypeError(`matmul: bias is ${bias.dtype}, operands are ${a.dtype}`);
    if (bias.rank !== 1 || bias.shape[0] !== n) throw new ShapeError(`matmul: bias must be [${n}] (one value per output column), got ${fmtShape(bias.shape)}`);
  }
  if (residual) {
    if (residual.dtype !== a.dtype) throw new DTypeError(`matmul: residual is ${residual.dtype}, operands are ${a.dtype}`);
    if (residual.rank !== outShape.length || residual.shape.some((d, i) => d !== outShape[i])) {
      throw new ShapeError(`matmul: residual must have the output's shape ${fmtShape(outShape)}, got ${fmtShape(residual.shape)}`);
    }
  }
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
  const out = empty(rt, outShape, a.dtype);
  // GELU's backward needs its input; keep it only if a gradient will flow through it.
  const pre = activation && willRecord([a, b, ...(bias ? [bias] : [])]) ? empty(rt, outShape, a.dtype) : null;
  runMatmul(rt, {
    a: fa.t.binding(), b: fb.t.binding(), out: out.binding(), dtype: a.dtype,
    batch, m, n, k: ka, transA, transB, strideA: fa.stride, strideB: fb.stride,
    epilogue: { alpha, bias: bias?.binding(), activation, residual: residual?.binding(), preact: pre?.binding() },
  });
  if (fa.tmp) fa.t.dispose();
  if (fb.tmp) fb.t.dispose();

  const inputs = [a, b, ...(bias ? [bias] : []), ...(residual ? [residual] : [])];
  const saved = [a, b, ...(pre ? [pre] : [])];
  const result = record(out, 'matmul', inputs, saved, (g, [as, bs, zs]) => {
    const grads: (Tensor | null)[] = [];
    // Gradient at the product: through the activation if there is one.
    const gz = activation === 'gelu' && zs ? map('matmul_gelu_bwd', 'a * gelu_grad_f(b)', [g, zs], g.dtype) : g;
    if (a.requiresGrad) {
      const full = transA ? matmul(bs, gz, { transA: transB, transB: true, alpha }) : matmul(gz, bs, { transB: !transB, alpha });
      grads.push(sumTo(full, a.shape));
      full.dispose();
    } else grads.push(null);
    if (b.requiresGrad) {
      const full = transB ? matmul(gz, as, { transA: true, transB: transA, alpha }) : matmul(as, gz, { transA: !transA, alpha });
      grads.push(sumTo(full, b.shape));
      full.dispose();
    } else grads.push(null);
    if (bias) grads.push(bias.requiresGrad ? sumTo(gz, bias.shape) : null);
    if (residual) grads.push(residual.requiresGrad ? g : null);
    if (gz !== g) gz.dispose();
    return grads;
  });
  pre?.dispose();
  return result;
}

registerOp('matmul', true);
