/**
 * Matmul rows: squares, BERT-base's three projection shapes at batch 1 and
 * batch 8 (M = 128 and 1024 tokens), their weight-gradient forms Xᵀ·dY, and
 * one attention-score batch. GFLOP/s = 2·M·N·K·batch per call.
 */
import { matmul, randn, type Tensor } from '@bamgpu/core';
import type { Tf } from '../tfjs/load.js';
import type { Instance, Workload } from '../types.js';

interface MatmulCase {
  id: string;
  shape: string;
  /** Stored operand shapes (a transposed operand is stored transposed). */
  a: number[];
  b: number[];
  transA: boolean;
  transB: boolean;
  flops: number;
  quick: boolean;
}

function oursMatmul(c: MatmulCase): Instance {
  const a: Tensor = randn(c.a);
  const b: Tensor = randn(c.b);
  return {
    run: () => matmul(a, b, { transA: c.transA, transB: c.transB }).dispose(),
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
}

function tfjsMatmul(tf: Tf, c: MatmulCase): Instance {
  const a = tf.randomNormal(c.a);
  const b = tf.randomNormal(c.b);
  return {
    run: () => tf.matMul(a, b, c.transA, c.transB).dispose(),
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
}

function cases(): MatmulCase[] {
  const out: MatmulCase[] = [];
  for (const n of [256, 512, 1024, 2048]) {
    out.push({ id: `matmul/square-${n}`, shape: `[${n}×${n}]·[${n}×${n}]`, a: [n, n], b: [n, n], transA: false, transB: false, flops: 2 * n ** 3, quick: n <= 512 });
  }
  // BERT-base projections: QKV/output (768→768), FFN up (768→3072), FFN down (3072→768).
  const proj: [number, number][] = [
    [768, 768],
    [768, 3072],
    [3072, 768],
  ];
  for (const m of [128, 1024]) {
    for (const [k, n] of proj) {
      // Weights stored [out, in] and read transposed, as nn.Linear calls it.
      out.push({
        id: `matmul/linear-${m}x${k}x${n}`,
        shape: `[${m}×${k}]·[${k}×${n}] (W stored [${n}×${k}], ·Wᵀ)`,
        a: [m, k],
        b: [n, k],
        transA: false,
        transB: true,
        flops: 2 * m * k * n,
        quick: m === 128 && k === 768 && n === 768,
      });
    }
  }
  // Weight gradients: dW = Xᵀ·dY, reducing over the K tokens.
  for (const k of [128, 1024]) {
    for (const [m, n] of proj) {
      out.push({
        id: `matmul/wgrad-k${k}-${m}x${n}`,
        shape: `[${k}×${m}]ᵀ·[${k}×${n}] (Xᵀ·dY, K=${k})`,
        a: [k, m],
        b: [k, n],
        transA: true,
        transB: false,
        flops: 2 * m * k * n,
        quick: k === 128 && m === 768 && n === 768,
      });
    }
  }
  out.push({
    id: 'matmul/scores-12x128x128x64',
    shape: '[12,128,64]·[12,128,64]ᵀ (attention scores)',
    a: [12, 128, 64],
    b: [12, 128, 64],
    transA: false,
    transB: true,
    flops: 2 * 12 * 128 * 128 * 64,
    quick: true,
  });
  return out;
}

export function matmulWorkloads(): Workload[] {
  return cases().map((c) => ({
    id: c.id,
    group: 'matmul',
    shape: c.shape,
    unit: 'GFLOP/s',
    work: c.flops,
    quick: c.quick,
    ours: () => oursMatmul(c),
    tfjs: (tf: Tf) => tfjsMatmul(tf, c),
  }));
}
