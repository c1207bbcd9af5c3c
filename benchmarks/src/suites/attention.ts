/**
 * Attention forward + backward (B=1, H=12, D=64) at sequence 128/256/512,
 * our composed path and our fused kernel against TF.js composed from
 * matMul/softmax (it has no fused attention). The fused rows also sample
 * the composed path in the same rounds (Workload.versus): whether fused is
 * faster is a comparison of two of our paths, and rows sampled a minute
 * apart met machines up to 15% apart. The `bert` rows add what BERT
 * training adds: a key padding mask (the last eighth of the keys) and
 * dropout 0.1 on the probabilities, which the composed path pays for in
 * extra passes over T×T. Nominal FLOPs: forward
 * Q·Kᵀ and P·V = 4·B·H·T²·D, backward four matmuls = 8·B·H·T²·D.
 */
import { Generator, attention, backward, getDefaultRuntime, randn, scope, tensor, type AttentionImpl, type AttentionOptions, type Tensor } from '@bamgpu/core';
import type { Tf, TfTensor } from '../tfjs/load.js';
import * as tfnn from '../tfjs/nn.js';
import type { Instance, Workload } from '../types.js';

const B = 1;
const H = 12;
const D = 64;

/** Plain attention, or BERT training's: key padding mask and dropout on the probabilities. */
type Setting = 'plain' | 'bert';
const DROPOUT = 0.1;
/** Keys at or past this fraction of the sequence are padding in the `bert` setting. */
const PADDED_FROM = 7 / 8;

/** One step with the profile's attention entry pinned to `impl` (the backward is recorded inside too). */
function step(q: Tensor, k: Tensor, v: Tensor, dOut: Tensor, impl: AttentionImpl, opts: AttentionOptions): void {
  getDefaultRuntime().withProfile({ attention: impl }, () => scope(() => backward(attention(q, k, v, opts), dOut)));
  for (const t of [q, k, v]) {
    t.grad?.dispose();
    t.grad = null;
  }
}

const keepKey = (i: number, t: number) => (i % t < t * PADDED_FROM ? 1 : 0);

function oursAttention(t: number, impl: AttentionImpl, setting: Setting): Instance {
  const shape = [B, H, t, D];
  const [q, k, v] = [0, 1, 2].map(() => randn(shape, { requiresGrad: true }));
  const dOut = randn(shape);
  const mask = setting === 'bert' ? tensor(Int32Array.from({ length: B * t }, (_, i) => keepKey(i, t)), [B, t], { dtype: 'int32' }) : null;
  const opts: AttentionOptions = mask ? { keyMask: mask, dropout: DROPOUT, generator: new Generator(5) } : {};
  return {
    run: () => step(q, k, v, dOut, impl, opts),
    dispose: () => [q, k, v, dOut, ...(mask ? [mask] : [])].forEach((x) => x.dispose()),
  };
}

function tfjsAttention(tf: Tf, t: number, setting: Setting): Instance {
  const shape = [B, H, t, D];
  const [q, k, v, dOut] = [0, 1, 2, 3].map(() => tf.randomNormal(shape));
  const keyBias = setting === 'bert' ? tf.tensor4d(Float32Array.from({ length: B * t }, (_, i) => (keepKey(i, t) ? 0 : -1e9)), [B, 1, 1, t]) : null;
  const extras = keyBias ? { keyBias, dropout: DROPOUT } : undefined;
  const grads = tf.grads((qq: TfTensor, kk: TfTensor, vv: TfTensor) => tfnn.attention(tf, qq, kk, vv, extras));
  return {
    run: () => tf.tidy(() => void grads([q, k, v], dOut)),
    dispose: () => tf.dispose([q, k, v, dOut, ...(keyBias ? [keyBias] : [])]),
  };
}

export function attentionWorkloads(): Workload[] {
  const row = (t: number, impl: AttentionImpl, setting: Setting): Workload => ({
    id: `attention/${impl}-${setting === 'bert' ? 'bert-' : ''}fwd-bwd-t${t}`,
    group: 'attention',
    shape: `q,k,v [${B},${H},${t},${D}], ${impl}, ${setting === 'bert' ? `key padding mask + dropout ${DROPOUT}, ` : ''}forward+backward`,
    unit: 'GFLOP/s',
    work: 12 * B * H * t * t * D,
    quick: t === 128 && setting === 'plain',
    ours: () => oursAttention(t, impl, setting),
    tfjs: (tf: Tf) => tfjsAttention(tf, t, setting),
    ...(impl === 'fused' ? { versus: { name: 'composed', make: () => oursAttention(t, 'composed', setting) } } : {}),
  });
  const out: Workload[] = [];
  for (const t of [128, 256, 512]) out.push(row(t, 'composed', 'plain'), row(t, 'fused', 'plain'));
  // BERT's setting: the fused rows, each with the composed path in its rounds.
  for (const t of [128, 256, 512]) out.push(row(t, 'fused', 'bert'));
  return out;
}
