/**
 * Attention forward + backward (B=1, H=12, D=64) at sequence 128/256/512,
 * our composed path and our fused kernel against TF.js composed from
 * matMul/softmax (it has no fused attention). The fused rows also sample
 * the composed path in the same rounds (Workload.versus): whether fused is
 * faster is a comparison of two of our paths, and rows sampled a minute
 * apart met machines up to 15% apart. Nominal FLOPs: forward
 * Q·Kᵀ and P·V = 4·B·H·T²·D, backward four matmuls = 8·B·H·T²·D.
 */
import { attention, backward, randn, scope, type AttentionImpl, type Tensor } from '@bamgpu/core';
import type { Tf, TfTensor } from '../tfjs/load.js';
import * as tfnn from '../tfjs/nn.js';
import type { Instance, Workload } from '../types.js';

const B = 1;
const H = 12;
const D = 64;

function step(q: Tensor, k: Tensor, v: Tensor, dOut: Tensor, impl: AttentionImpl): void {
  scope(() => backward(attention(q, k, v, { impl }), dOut));
  for (const t of [q, k, v]) {
    t.grad?.dispose();
    t.grad = null;
  }
}

function oursAttention(t: number, impl: AttentionImpl): Instance {
  const shape = [B, H, t, D];
  const [q, k, v] = [0, 1, 2].map(() => randn(shape, { requiresGrad: true }));
  const dOut = randn(shape);
  return {
    run: () => step(q, k, v, dOut, impl),
    dispose: () => [q, k, v, dOut].forEach((x) => x.dispose()),
  };
}

function tfjsAttention(tf: Tf, t: number): Instance {
  const shape = [B, H, t, D];
  const [q, k, v, dOut] = [0, 1, 2, 3].map(() => tf.randomNormal(shape));
  const grads = tf.grads((qq: TfTensor, kk: TfTensor, vv: TfTensor) => tfnn.attention(tf, qq, kk, vv));
  return {
    run: () => tf.tidy(() => void grads([q, k, v], dOut)),
    dispose: () => tf.dispose([q, k, v, dOut]),
  };
}

export function attentionWorkloads(): Workload[] {
  const out: Workload[] = [];
  for (const t of [128, 256, 512]) {
    for (const impl of ['composed', 'fused'] as const) {
      out.push({
        id: `attention/${impl}-fwd-bwd-t${t}`,
        group: 'attention',
        shape: `q,k,v [${B},${H},${t},${D}], ${impl}, forward+backward`,
        unit: 'GFLOP/s',
        work: 12 * B * H * t * t * D,
        quick: t === 128,
        ours: () => oursAttention(t, impl),
        tfjs: (tf: Tf) => tfjsAttention(tf, t),
        ...(impl === 'fused' ? { versus: { name: 'composed', make: () => oursAttention(t, 'composed') } } : {}),
      });
    }
  }
  return out;
}
