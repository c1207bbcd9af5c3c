import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import type { Generator } from '../random/hash.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, cast, mul, sub } from './elementwise.js';
import { matmul } from './matmul.js';
import { dropout, softmax } from './nn.js';
import { reshape } from './shape.js';
import { registerOp } from './registry.js';
import { runtimeOf } from './util.js';

export interface AttentionOptions {
  /**
   * Key padding mask [B, Tk]: 1 (or any nonzero) = attend, 0 = padding.
   * Padded keys get a large negative score, as Hugging Face BERT does.
   */
  keyMask?: Tensor;
  /** Dropout on the attention probabilities. */
  dropout?: number;
  training?: boolean;
  generator?: Generator;
  /** Score scale (default 1/√D). */
  scale?: number;
}

/** Score added at padded keys: exp() of it underflows to exactly 0 in f32. */
export const MASKED_SCORE = -1e30;

/**
 * softmax(q·kᵀ·scale + mask)·v over q, k, v of shape [B, H, T, D].
 * Composed from matmul, softmax and dropout; every piece has its own gradient.
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  runtimeOf('attention', q, k, v);
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) {
    throw new ShapeError(`attention: q, k, v must be [B, H, T, D], got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`);
  }
  const [b, h, , d] = q.shape;
  const tk = k.shape[2];
  if (k.shape[0] !== b || v.shape[0] !== b || k.shape[1] !== h || v.shape[1] !== h || k.shape[3] !== d || v.shape[2] !== tk) {
    throw new ShapeError(`attention: shapes q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)} do not agree`);
  }
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  const raw = matmul(q, k, { transB: true });
  let scores = mul(raw, scale);
  raw.dispose();
  if (opts.keyMask) {
    const m = opts.keyMask;
    if (m.rank !== 2 || m.shape[0] !== b || m.shape[1] !== tk) {
      throw new ShapeError(`attention: keyMask must be [${b}, ${tk}], got ${fmtShape(m.shape)}`);
    }
    if (m.dtype !== 'int32' && m.dtype !== q.dtype) throw new DTypeError(`attention: keyMask must be int32 or ${q.dtype}`);
    const mf = m.dtype === q.dtype ? m.view(m.shape) : cast(m, q.dtype);
    const oneMinus = sub(1, mf);
    const bias = mul(oneMinus, MASKED_SCORE);
    const bias4 = reshape(bias, [b, 1, 1, tk]);
    const masked = add(scores, bias4);
    for (const t of [mf, oneMinus, bias, bias4, scores]) t.dispose();
    scores = masked;
  }
  const probs = softmax(scores, -1);
  scores.dispose();
  const dropped = opts.dropout && opts.training !== false ? dropout(probs, opts.dropout, { generator: opts.generator }) : probs;
  const out = matmul(dropped, v);
  if (dropped !== probs) dropped.dispose();
  probs.dispose();
  return out;
}

registerOp('attention', true);
