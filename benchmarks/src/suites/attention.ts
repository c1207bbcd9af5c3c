/**
 * Attention forward + backward (B=1, H=12, D=64) at sequence 128/256/512,
 * our composed path and our fused kernel against TF.js composed from
 * matMul/softmax (it has no fused attention). Nominal FLOPs: forward
 * Q·Kᵀ and P·V = 4·B·H·T²·D, backward four matmuls = 8·B·H·T²·D.
 */
import { attention, backward, getDefaultRuntime, randn, scope, type AttentionOptions, type Tensor } from '@bamgpu/core';
import type { Tf, TfTensor } from '../tfjs/load.js';
import * as tfnn from '../tfjs/nn.js';
import type { Instance, Workload } from '../types.js';

export type AttentionImpl = 'composed' | 'fused';

/** The `impl` option another change is adding; typed here so this file compiles with or without it. */
type OptionsWithImpl = AttentionOptions & { impl?: AttentionImpl };

const B = 1;
const H = 12;
const D = 64;

function step(q: Tensor, k: Tensor, v: Tensor, dOut: Tensor, impl: AttentionImpl): void {
  const opts: OptionsWithImpl = { impl };
  scope(() => backward(attention(q, k, v, opts), dOut));
  for (const t of [q, k, v]) {
    t.grad?.dispose();
    t.grad = null;
  }
}

let fusedIsDistinct: boolean | null = null;

/**
 * Whether `impl: 'fused'` runs different kernels from 'composed': after a
 * composed step, a fused step on the same shape compiles new pipelines only
 * if the option exists (an unknown option is silently ignored).
 */
function detectFused(): boolean {
  if (fusedIsDistinct !== null) return fusedIsDistinct;
  const rt = getDefaultRuntime();
  fusedIsDistinct = scope(() => {
    const [q, k, v] = [0, 1, 2].map(() => randn([1, 2, 32, 16], { requiresGrad: true }));
    const dOut = randn([1, 2, 32, 16]);
    step(q, k, v, dOut, 'composed');
    const before = rt.pipelineStats().count;
    step(q, k, v, dOut, 'fused');
    return rt.pipelineStats().count > before;
  });
  return fusedIsDistinct;
}

function oursAttention(t: number, impl: AttentionImpl): Instance {
  const note = impl === 'fused' && !detectFused() ? "attention() has no `impl: 'fused'` yet: this row ran the default path" : undefined;
  const shape = [B, H, t, D];
  const [q, k, v] = [0, 1, 2].map(() => randn(shape, { requiresGrad: true }));
  const dOut = randn(shape);
  return {
    run: () => step(q, k, v, dOut, impl),
    dispose: () => [q, k, v, dOut].forEach((x) => x.dispose()),
    note,
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
      });
    }
  }
  return out;
}
