import { DTypeError, DeviceError, ShapeError, fmtShape } from '../errors.js';
import { runAttentionBackward } from '../kernels/attention-backward.js';
import { MAX_FUSED_HEAD_DIM, attentionSpec, chooseAttentionVariant, subgroupLanes, type AttentionDims } from '../kernels/attention-common.js';
import { runAttentionForward } from '../kernels/attention-forward.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import type { AttentionImpl } from '../runtime/policy.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from './elementwise.js';
import { map } from './map.js';
import { matmul } from './matmul.js';
import { dropout, softmax } from './nn.js';
import { reshape } from './shape.js';
import { registerOp } from './registry.js';
import { empty, record, requireDtype, requireSameDtype, runtimeOf } from './util.js';

export type { AttentionVariant } from '../kernels/attention-common.js';

/**
 * `composed`: matmul (scale fused as its alpha) → mask → softmax → dropout →
 * matmul, each piece with its own gradient (stores the [B,H,Tq,Tk] probabilities).
 * `fused`: FlashAttention-style kernels that keep O(T) extra memory.
 */
export type { AttentionImpl };

export interface AttentionOptions {
  /**
   * Key padding mask [B, Tk]: nonzero = attend, 0 = padding.
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
 * The implementation: the profile's `attention` entry, or under `auto`
 * composed where the fused kernels can't serve (head dim over
 * MAX_FUSED_HEAD_DIM, Dv ≠ D, no keys); else CPU adapters fused — it wins
 * where BERT trains (key mask and dropout) and keeps O(T) memory — and GPUs
 * composed, which the H100 ran 1.1–2.9× faster. Measurements: docs/perf/attention.md.
 */
export function chooseAttentionImpl(rt: Runtime, headDim: number, valueDim: number, keys: number): AttentionImpl {
  const { attention: pinned, adapterClass } = rt.profile;
  if (pinned !== 'auto') return pinned;
  if (headDim > MAX_FUSED_HEAD_DIM || valueDim !== headDim || keys === 0) return 'composed';
  return adapterClass === 'cpu' ? 'fused' : 'composed';
}

/**
 * softmax(q·kᵀ·scale + mask)·v over q [B, H, Tq, D], k [B, H, Tk, D] and
 * v [B, H, Tk, Dv] (the fused path needs Dv = D),
 * with optional dropout on the probabilities.
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  const rt = runtimeOf('attention', q, k, v, ...(opts.keyMask ? [opts.keyMask] : []));
  validate(q, k, v, opts);
  const d = q.shape[3];
  const tk = k.shape[2];
  if (chooseAttentionImpl(rt, d, v.shape[3], tk) === 'fused') {
    // Only a pinned profile entry gets here with shapes or a device the fused kernels can't serve.
    if (d > MAX_FUSED_HEAD_DIM) throw new ShapeError(`attention: the fused path takes head dims up to ${MAX_FUSED_HEAD_DIM}, got ${d}`);
    if (v.shape[3] !== d) throw new ShapeError(`attention: the fused path needs v's head dim to equal q's (${d}), got ${fmtShape(v.shape)}`);
    if (chooseAttentionVariant(rt) === 'subgroup' && subgroupLanes(rt) === 0) throw new DeviceError('attention: the subgroup variant needs a device with subgroups');
    if (tk > 0) return fused(rt, q, k, v, opts);
  }
  return composed(q, k, v, opts);
}

/** All checks, before any GPU work. */
function validate(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): void {
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) {
    throw new ShapeError(`attention: q, k, v must be [B, H, T, D], got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`);
  }
  const [b, h, , d] = q.shape;
  const tk = k.shape[2];
  if (k.shape[0] !== b || v.shape[0] !== b || k.shape[1] !== h || v.shape[1] !== h || k.shape[3] !== d || v.shape[2] !== tk) {
    throw new ShapeError(`attention: shapes q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)} do not agree`);
  }
  requireDtype('attention', q, 'float32', 'float16');
  requireSameDtype('attention', q, k);
  requireSameDtype('attention', q, v);
  const m = opts.keyMask;
  if (m) {
    if (m.rank !== 2 || m.shape[0] !== b || m.shape[1] !== tk) {
      throw new ShapeError(`attention: keyMask must be [${b}, ${tk}], got ${fmtShape(m.shape)}`);
    }
    if (m.dtype !== 'int32' && m.dtype !== q.dtype) throw new DTypeError(`attention: keyMask must be int32 or ${q.dtype}`);
  }
  const p = opts.dropout ?? 0;
  if (!(p >= 0 && p < 1)) throw new ShapeError(`attention: dropout must be in [0, 1), got ${p}`);
}

/** [B, Tk] additive key bias: 0 where the mask is nonzero, MASKED_SCORE where it is 0. */
function keyBias(mask: Tensor, dtype: DType): Tensor {
  return map('attention_bias', `select(${MASKED_SCORE}, 0.0, f32(a) != 0.0)`, [mask], dtype);
}

function composed(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
  const [b, , , d] = q.shape;
  const tk = k.shape[2];
  let scores = matmul(q, k, { transB: true, alpha: opts.scale ?? 1 / Math.sqrt(d) });
  if (opts.keyMask) {
    const bias = keyBias(opts.keyMask, q.dtype);
    const bias4 = reshape(bias, [b, 1, 1, tk]);
    const masked = add(scores, bias4);
    for (const t of [bias, bias4, scores]) t.dispose();
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

function fused(rt: Runtime, q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
  const [b, h, tq, d] = q.shape;
  const tk = k.shape[2];
  const p = opts.training !== false ? (opts.dropout ?? 0) : 0;
  // Takes one key, as the dropout op would, so both paths draw the same mask from the same generator state.
  const key = p > 0 ? (opts.generator ?? defaultGenerator()).nextKey() : ([0, 0] as const);
  const bias = opts.keyMask ? keyBias(opts.keyMask, 'float32') : null;
  const spec = attentionSpec(rt, q.dtype, d, chooseAttentionVariant(rt), bias !== null, p > 0);
  const dims: AttentionDims = { bh: b * h, heads: h, tq, tk, scale: opts.scale ?? 1 / Math.sqrt(d), key, p };
  const out = empty(rt, q.shape, q.dtype);
  // Per query row: (max, log Σ exp) — the only thing saved besides the inputs and output.
  const lse = empty(rt, [b * h * tq, 2], 'float32');
  runAttentionForward(rt, spec, dims, { q: q.binding(), k: k.binding(), v: v.binding(), bias: bias?.binding() ?? null, out: out.binding(), lse: lse.binding() });
  const saved = [q, k, v, out, lse, ...(bias ? [bias] : [])];
  const result = record(out, 'attention', [q, k, v], saved, (g, [qs, ks, vs, os, ls, bs]) => {
    const delta = empty(rt, [b * h * tq], 'float32');
    const grads = [empty(rt, q.shape, q.dtype), empty(rt, k.shape, k.dtype), empty(rt, v.shape, v.dtype)];
    runAttentionBackward(rt, spec, dims, {
      q: qs.binding(), k: ks.binding(), v: vs.binding(), bias: bs?.binding() ?? null, out: os.binding(), lse: ls.binding(),
      g: g.binding(), delta: delta.binding(), dq: grads[0].binding(), dk: grads[1].binding(), dv: grads[2].binding(),
    });
    delta.dispose();
    return grads.map((t, i) => {
      if ([q, k, v][i].requiresGrad) return t;
      t.dispose();
      return null;
    });
  });
  lse.dispose();
  bias?.dispose();
  return result;
}

registerOp('attention', true);
