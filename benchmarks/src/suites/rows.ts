/**
 * Memory-bound row kernels, as GB/s of the bytes an ideal kernel moves:
 * softmax over BERT-base's attention scores (12 heads × 128 queries = 1536
 * rows of 128) reads and writes each element once; layer norm over 128
 * tokens × 768 reads x, γ, β and writes y (our saved mean/rstd not counted).
 * TF.js has no layer-norm op outside tf.layers, so its row is built from
 * tf.moments as a TF.js user would.
 */
import { layerNorm, ones, randn, softmax, zeros } from '@bamgpu/core';
import type { Tf } from '../tfjs/load.js';
import * as tfnn from '../tfjs/nn.js';
import type { Instance, Workload } from '../types.js';

const SOFTMAX: [number, number] = [1536, 128];
const LAYERNORM: [number, number] = [128, 768];
const EPS = 1e-12;

function oursSoftmax(): Instance {
  const x = randn(SOFTMAX);
  return { run: () => softmax(x, -1).dispose(), dispose: () => x.dispose() };
}

function tfjsSoftmax(tf: Tf): Instance {
  const x = tf.randomNormal(SOFTMAX);
  return { run: () => tf.softmax(x).dispose(), dispose: () => x.dispose() };
}

function oursLayerNorm(): Instance {
  const x = randn(LAYERNORM);
  const g = ones([LAYERNORM[1]]);
  const b = zeros([LAYERNORM[1]]);
  return { run: () => layerNorm(x, g, b, EPS).dispose(), dispose: () => [x, g, b].forEach((t) => t.dispose()) };
}

function tfjsLayerNormRow(tf: Tf): Instance {
  const x = tf.randomNormal(LAYERNORM);
  const g = tf.ones([LAYERNORM[1]]);
  const b = tf.zeros([LAYERNORM[1]]);
  return { run: () => tfnn.layerNorm(tf, x, g, b, EPS).dispose(), dispose: () => tf.dispose([x, g, b]) };
}

export function rowWorkloads(): Workload[] {
  const [sr, sn] = SOFTMAX;
  const [lr, ln] = LAYERNORM;
  return [
    {
      id: `softmax/${sr}x${sn}`,
      group: 'softmax',
      shape: `[${sr}×${sn}] over the last dim`,
      unit: 'GB/s',
      work: 2 * sr * sn * 4,
      quick: true,
      ours: oursSoftmax,
      tfjs: tfjsSoftmax,
    },
    {
      id: `layernorm/${lr}x${ln}`,
      group: 'layernorm',
      shape: `[${lr}×${ln}], affine`,
      unit: 'GB/s',
      work: (2 * lr * ln + 2 * ln) * 4,
      quick: true,
      note: 'TF.js: composed from tf.moments (no layer-norm op outside tf.layers)',
      ours: oursLayerNorm,
      tfjs: tfjsLayerNormRow,
    },
  ];
}
