/**
 * The layers TF.js lacks outside tf.layers, composed from tfjs-core ops the
 * way a TF.js user would write them. Shared by the row, attention and
 * encoder suites so each comparison uses the same formulation.
 */
import type { Tf, TfTensor } from './load.js';

/** (x − mean)·rsqrt(var + eps)·γ + β over the last dim, from tf.moments. */
export function layerNorm(tf: Tf, x: TfTensor, g: TfTensor, b: TfTensor, eps: number): TfTensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), g), b);
  });
}

/** Exact (erf) GELU, as BERT and our gelu() use. */
export function gelu(tf: Tf, x: TfTensor): TfTensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)));
}

/** What BERT training adds to attention: a key bias (0 or −1e9, [B, 1, 1, T]) and dropout on the probabilities. */
export interface TfAttentionExtras {
  keyBias: TfTensor;
  dropout: number;
}

/** softmax(q·kᵀ·scale [+ key bias])·v over [B, H, T, D] [with dropout on the probabilities]. */
export function attention(tf: Tf, q: TfTensor, k: TfTensor, v: TfTensor, extras?: TfAttentionExtras): TfTensor {
  const scale = 1 / Math.sqrt(q.shape[q.rank - 1]);
  return tf.tidy(() => {
    const scores = tf.mul(tf.matMul(q, k, false, true), scale);
    const probs = tf.softmax(extras ? tf.add(scores, extras.keyBias) : scores);
    return tf.matMul(extras ? tf.dropout(probs, extras.dropout) : probs, v);
  });
}
