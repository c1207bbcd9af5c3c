import { DTypeError, DeviceError, ShapeError, fmtShape } from '../errors.js';
import { runAttentionBackward } from '../kernels/attention-backward.js';
import { MAX_FUSED_HEAD_DIM, attentionSpec, chooseAttentionVariant, subgroupLanes, type AttentionDims, type AttentionVariant } from '../kernels/attention-common.js';
import { runAttentionForward } from '../kernels/attention-forward.js';
import { defaultGenerator, type Generator } from '../random/hash.js';
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
export type AttentionImpl = 'composed' | 'fused';

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
  /** Forces an implementation (default: `chooseAttentionImpl`). Both give the same results, dropout mask included. */
  impl?: AttentionImpl;
  /** Forces the fused kernels' variant (default: per adapter). */
  variant?: AttentionVariant;
}

/** Score added at padded keys: exp() of it underflows to exactly 0 in f32. */
export const MASKED_SCORE = -1e30;

/**
 * Where `attention` uses the fused path by default, per adapter kind.
 * Measured with test/perf/attention.perf.ts: forward + backward, GPU time from
 * timestamp queries, median of 7 with the two paths interleaved, H=12, D=64.
 * lavapipe (Mesa 25.0, 2 shared cores), ms composed → fused (subgroup variant):
 *
 *                 no mask, no dropout        key mask + dropout 0.1 (BERT training)
 *   B=1 T=128     8.2 →   7.1                 9.9 →   6.6     13.8 →  12.6
 *   B=1 T=256    35.3 →  29.0                46.7 →  37.0     53.7 →  40.8
 *   B=1 T=512   124.0 → 100.9               185.1 → 105.3    199.1 → 129.9
 *   B=2 T=128    14.2 →  12.6                17.1 →  13.0     23.9 →  17.9
 *   B=2 T=256    71.0 →  53.7               110.6 →  66.9    104.6 →  81.5
 *   B=2 T=512   285.4 → 252.1               375.8 → 238.2    770.7 → 302.5
 *
 * (two runs of the BERT setting; the machine was shared, so runs vary: a
 * third run had T=128 within noise — 12.5 → 13.4 plain, 24.6 → 26.8 BERT at
 * B=1 — and T=256/512 again 20–40% faster fused.) The fused path wins or
 * ties at every length there, so CPU adapters take it whenever its
 * kernels fit. Its one cost: lavapipe's first compile of the D=64 kernels takes
 * ~10 s (forward) and ~40–60 s (backward) of CPU, once per machine (Mesa
 * caches them on disk).
 *
 * Remeasured after the composed path's own kernels got faster on lavapipe
 * (subgroup softmax rows, vec4 head-split copies and masking), BERT setting,
 * median (min) of 5, ms composed → fused:
 *   B=1: T=128 15.3 (12.9) → 14.4 (13.2), T=256 37.3 (32.0) → 36.5 (31.0), T=512 161 (84) → 144 (113)
 *   B=2: T=128 23.8 (13.4) → 20.6 (17.2), T=256 68.3 (49.7) → 73.0 (55.9), T=512 285 (196) → 226 (183)
 * and without mask or dropout (bench-results, 8415d9c) T=256 29.6 → 28.7,
 * T=512 96.6 → 122. Now a tie within this machine's noise; CPU adapters keep
 * the fused path for its O(T) memory.
 *
 * Again on 2026-11-26 (attention.perf.ts, GPU time, median (min) of 7), ms
 * composed → fused, without mask or dropout:
 *   B=1: T=128 10.3 (7.3) → 8.6 (7.6), T=256 25.2 (21.1) → 26.8 (25.9), T=512 85.9 (80.9) → 99.6 (95.9)
 *   B=2: T=128 16.1 (12.5) → 15.9 (14.2), T=256 55.8 (43.3) → 54.1 (50.0), T=512 169 (159) → 210 (192)
 * and in the BERT setting:
 *   B=1: T=128 10.8 (10.0) → 10.5 (8.3), T=256 47.7 (30.7) → 32.8 (28.4), T=512 114 (103) → 104 (101)
 *   B=2: T=128 20.7 (17.6) → 23.4 (15.7), T=256 61.1 (54.7) → 57.3 (54.1), T=512 231 (208) → 209 (204)
 * On wall time, with the two paths sampled in the same rounds (the
 * benchmark suite's fused rows, no mask), fused was 1.17× faster at T=128,
 * 0.89× at T=256 (composed faster) and 1.11× at T=512. So fused wins where
 * BERT trains (mask and dropout add elementwise passes over T×T to the
 * composed path) and the composed path, on the texture matmul, has caught up
 * without them.
 *
 * 2026-12-03, after the composed path's 1/√D moved into its first matmul
 * (matmul's alpha; before, a scale pass over T×T and its gradient cost
 * 5–7 ms at T=512), GPU time, median of 3 per round, 5 rounds interleaved in
 * one process, B=1, ms fused vs composed (typical round):
 *   no mask, no dropout: T=128 4.5 vs 4.7, T=256 16.1 vs 15.1, T=512 60 vs 54
 *   BERT setting:        T=128 5.2 vs 6.4, T=256 18.2 vs 20.3, T=512 67 vs 73
 * Without mask and dropout the composed path now wins from T=256: it does six
 * T²·D products at the texture matmul's rate (~58 GFLOP/s there), the fused
 * kernels nine (the backward recomputes Q·Kᵀ and dO·Vᵀ in each of its two
 * kernels, the price of O(T) memory without float atomics) at about the same
 * rate. Where BERT trains, the composed path's extra passes over T×T (mask,
 * dropout) tip it back to fused, which stays the CPU default. Forward only
 * (inference: two products each), fused leads: T=128 1.3–2.2 vs 1.5–2.2,
 * T=256 4.0–4.3 vs 4.7–5.2, T=512 15.5–16.0 vs 18.3–19.0 ms.
 *
 * NVIDIA H100 (Dawn/Vulkan; bench-results/nvidia-h100-80gb-hbm3, B=1 H=12
 * D=64, no mask), GPU µs composed → fused (`tiled` variant): T=128 182 → 204,
 * T=256 206 → 387, T=512 265 → 769. The composed path's matmuls run on the
 * tiled/split-K kernels near the card's rate, while the fused kernel keeps one
 * lane per query row; so GPUs keep the composed path (it stores the T×T
 * probabilities, which at BERT's lengths is a few MB).
 */
const FUSED_BY_DEFAULT = { cpu: true, gpu: false } as const;

/** Which implementation `attention` uses when none is forced. */
export function chooseAttentionImpl(rt: Runtime, headDim: number, valueDim: number, keys: number): AttentionImpl {
  if (headDim > MAX_FUSED_HEAD_DIM || valueDim !== headDim || keys === 0) return 'composed';
  return FUSED_BY_DEFAULT[rt.adapter.isCPU ? 'cpu' : 'gpu'] ? 'fused' : 'composed';
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
  const impl = opts.impl ?? chooseAttentionImpl(rt, d, v.shape[3], tk);
  if (impl === 'fused') {
    if (d > MAX_FUSED_HEAD_DIM) throw new ShapeError(`attention: the fused path takes head dims up to ${MAX_FUSED_HEAD_DIM}, got ${d}`);
    if (v.shape[3] !== d) throw new ShapeError(`attention: the fused path needs v's head dim to equal q's (${d}), got ${fmtShape(v.shape)}`);
    if (opts.variant === 'subgroup' && subgroupLanes(rt) === 0) throw new DeviceError('attention: the subgroup variant needs a device with subgroups');
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
  const spec = attentionSpec(rt, q.dtype, d, opts.variant ?? chooseAttentionVariant(rt), bias !== null, p > 0);
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
