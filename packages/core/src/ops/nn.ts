import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { runLayerNormBackward, runLayerNormForward } from '../kernels/layernorm.js';
import { runRows } from '../kernels/rows.js';
import { runXentBackward, runXentForward } from '../kernels/xent.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import { normAxis, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { ne, square, sub } from './elementwise.js';
import { map } from './map.js';
import { registerOp } from './registry.js';
import { mean, sum } from './reduce.js';
import { reshape, transpose } from './shape.js';
import { cast } from './elementwise.js';
import { empty, record, requireDtype, runtimeOf } from './util.js';

function lastDimOp(name: 'softmax' | 'logsoftmax', x: Tensor, dim: number): Tensor {
  const rt = runtimeOf(name, x);
  requireDtype(name, x, 'float32', 'float16');
  if (x.rank === 0) throw new ShapeError(`${name}: needs at least one dim`);
  const d = normAxis(name, dim, x.rank);
  if (d !== x.rank - 1) {
    const t = transpose(x, d, -1);
    const y = lastDimOp(name, t, -1);
    t.dispose();
    const r = transpose(y, d, -1);
    y.dispose();
    return r;
  }
  const n = x.shape[x.rank - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const y = empty(rt, x.shape, x.dtype);
  runRows(rt, { op: name, inputs: [x.binding()], out: y.binding(), dtype: x.dtype, rows, n });
  return record(y, name, [x], [y], (g, [ys]) => {
    const dx = empty(rt, x.shape, x.dtype);
    runRows(rt, { op: name === 'softmax' ? 'softmax_grad' : 'logsoftmax_grad', inputs: [ys.binding(), g.binding()], out: dx.binding(), dtype: x.dtype, rows, n });
    return [dx];
  });
}

export function softmax(x: Tensor, dim = -1): Tensor {
  return lastDimOp('softmax', x, dim);
}

export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return lastDimOp('logsoftmax', x, dim);
}

/** Layer norm over the last dim with affine weight and bias of shape [n]. */
export function layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps = 1e-5): Tensor {
  const rt = runtimeOf('layerNorm', x, weight, bias);
  requireDtype('layerNorm', x, 'float32', 'float16');
  const n = x.shape[x.rank - 1];
  if (x.rank === 0 || weight.rank !== 1 || bias.rank !== 1 || weight.shape[0] !== n || bias.shape[0] !== n) {
    throw new ShapeError(`layerNorm: input ${fmtShape(x.shape)} needs weight and bias of shape [${n}], got ${fmtShape(weight.shape)} and ${fmtShape(bias.shape)}`);
  }
  if (weight.dtype !== x.dtype || bias.dtype !== x.dtype) throw new DTypeError(`layerNorm: weight/bias dtype must match input ${x.dtype}`);
  const rows = n === 0 ? 0 : x.size / n;
  const y = empty(rt, x.shape, x.dtype);
  const meanT = empty(rt, [rows, 1], 'float32');
  const rstdT = empty(rt, [rows, 1], 'float32');
  runLayerNormForward(rt, { x: x.binding(), gamma: weight.binding(), beta: bias.binding(), y: y.binding(), mean: meanT.binding(), rstd: rstdT.binding(), dtype: x.dtype, rows, n, eps });
  const out = record(y, 'layerNorm', [x, weight, bias], [x, weight, meanT, rstdT], (g, [xs, ws, ms, rs]) => {
    const grads: (Tensor | null)[] = [null, null, null];
    if (x.requiresGrad) {
      const dx = empty(rt, x.shape, x.dtype);
      runLayerNormBackward(rt, { x: xs.binding(), gamma: ws.binding(), mean: ms.binding(), rstd: rs.binding(), g: g.binding(), dx: dx.binding(), dtype: x.dtype, rows, n });
      grads[0] = dx;
    }
    const g2 = reshape(g, [rows, n]);
    if (weight.requiresGrad) {
      const x2 = reshape(xs, [rows, n]);
      const parts = map('ln_dgamma', 'a * (b - f32(c)) * f32(d)', [g2, x2, ms, rs], x.dtype);
      grads[1] = sum(parts, 0);
      parts.dispose();
      x2.dispose();
    }
    if (bias.requiresGrad) grads[2] = sum(g2, 0);
    g2.dispose();
    return grads;
  });
  meanT.dispose();
  rstdT.dispose();
  return out;
}

export interface DropoutOptions {
  training?: boolean;
  generator?: Generator;
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p).
 * The mask comes from the seeded counter RNG and is recomputed in backward
 * from the same key, so it is never stored.
 */
export function dropout(x: Tensor, p: number, opts: DropoutOptions = {}): Tensor {
  runtimeOf('dropout', x);
  requireDtype('dropout', x, 'float32', 'float16');
  if (!(p >= 0 && p < 1)) throw new ShapeError(`dropout: p must be in [0, 1), got ${p}`);
  // Inactive dropout is the identity, recorded as such so gradients flow through it.
  if (opts.training === false || p === 0) return record(x.view(x.shape), 'dropout', [x], [], (g) => [g]);
  const [k0, k1] = (opts.generator ?? defaultGenerator()).nextKey();
  const scalars = [
    { type: 'u32' as const, value: k0 },
    { type: 'u32' as const, value: k1 },
    { type: 'f32' as const, value: p },
    { type: 'f32' as const, value: 1 / (1 - p) },
  ];
  const expr = 'select(0.0, a * p.s3, rng_u01(p.s0, p.s1, i) >= p.s2)';
  const y = map('dropout', expr, [x], x.dtype, scalars);
  return record(y, 'dropout', [x], [], (g) => [map('dropout', expr, [g], g.dtype, scalars)]);
}

export interface CrossEntropyOptions {
  reduction?: 'mean' | 'sum' | 'none';
  /** Hard labels equal to this contribute nothing (PyTorch's default is -100). */
  ignoreIndex?: number;
}

/**
 * Cross-entropy of logits [..., C] against class indices (int32 [...]) or
 * target distributions (float [..., C], soft targets). 'mean' averages over
 * the rows that count (non-ignored for hard labels), as PyTorch does.
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const rt = runtimeOf('crossEntropy', logits, target);
  requireDtype('crossEntropy', logits, 'float32', 'float16');
  const reduction = opts.reduction ?? 'mean';
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const c = logits.shape[logits.rank - 1];
  const rowShape = logits.shape.slice(0, -1);
  const kind = target.dtype === 'int32' ? 'index' : 'soft';
  if (kind === 'index' ? !sameShape(target.shape, rowShape) : !sameShape(target.shape, logits.shape)) {
    throw new ShapeError(
      `crossEntropy: logits ${fmtShape(logits.shape)} need int32 class indices of shape ${fmtShape(rowShape)} or float soft targets of shape ${fmtShape(logits.shape)}; got ${target.describe()}`,
    );
  }
  if (kind === 'soft' && target.dtype !== logits.dtype) throw new DTypeError(`crossEntropy: soft targets must be ${logits.dtype}, got ${target.dtype}`);
  const rows = c === 0 ? 0 : logits.size / c;
  const loss = empty(rt, rowShape, logits.dtype);
  const lse = empty(rt, [rows], 'float32');
  runXentForward(rt, { logits: logits.binding(), target: target.binding(), loss: loss.binding(), lse: lse.binding(), dtype: logits.dtype, kind, rows, n: c, ignoreIndex });
  const perRow = record(loss, 'crossEntropy', [logits, target], [logits, target, lse], (g, [ls, ts, lseS]) => {
    const dx = empty(rt, logits.shape, logits.dtype);
    runXentBackward(rt, { logits: ls.binding(), target: ts.binding(), lse: lseS.binding(), gRow: g.binding(), dx: dx.binding(), dtype: logits.dtype, kind, rows, n: c, ignoreIndex });
    // Soft targets get a gradient too (−log softmax), so distillation targets could be learned.
    let dt: Tensor | null = null;
    if (kind === 'soft' && target.requiresGrad) {
      const gcol = reshape(g, [...rowShape, 1]);
      const lseCol = lseS.view([...rowShape, 1]);
      dt = map('xent_dtarget', 'a * (f32(b) - c)', [gcol, lseCol, ls], logits.dtype, [], logits.shape);
      gcol.dispose();
      lseCol.dispose();
    }
    return [dx, dt];
  });
  lse.dispose();
  if (reduction === 'none') return perRow;
  if (reduction === 'sum') {
    const s = sum(perRow);
    perRow.dispose();
    return s;
  }
  if (kind === 'soft') {
    const m = mean(perRow);
    perRow.dispose();
    return m;
  }
  const valid = ne(target, ignoreIndex);
  const validF = cast(valid, logits.dtype);
  const count = sum(validF);
  const total = sum(perRow);
  const m = map('xent_mean', 'a / max(b, 1.0)', [total, count], logits.dtype);
  // The division by the (constant) count is recorded against `total` only.
  const out = record(m, 'crossEntropyMean', [total], [count], (g, [cs]) => [map('xent_mean_bwd', 'a / max(b, 1.0)', [g, cs], g.dtype)]);
  for (const t of [valid, validF, count, total, perRow]) t.dispose();
  return out;
}

/** Mean (or summed) squared error. */
export function mseLoss(a: Tensor, b: Tensor, opts: { reduction?: 'mean' | 'sum' | 'none' } = {}): Tensor {
  const d = sub(a, b);
  const sq = square(d);
  d.dispose();
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'none') return sq;
  const r = reduction === 'sum' ? sum(sq) : mean(sq);
  sq.dispose();
  return r;
}

registerOp('softmax', true);
registerOp('logSoftmax', true);
registerOp('layerNorm', true);
registerOp('dropout', true);
registerOp('crossEntropy', true);
registerOp('mseLoss', true);
