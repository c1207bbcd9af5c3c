/**
 * Matmul variant benchmark (not part of `vitest run`):
 *
 *   ./node_modules/.bin/vitest run --config packages/core/test/perf/vitest.config.ts
 *
 * Env: MM_VARIANTS=texture,blocked (default: the adapter's candidates),
 * MM_SHAPES=bert|squares|narrow|all (default bert), MM_FILTER=substring of a shape name, MM_REPS=5.
 *
 * Per shape and variant it reports medians of
 *  - wall: rt.timeGPU wall time (staging copies included; what a caller sees),
 *  - gpu:  timestamp time of the compute passes (copies are outside passes),
 *  - cpu:  on CPU adapters, CPU time of every thread but the JS one (lavapipe's
 *          workers) — stable when other processes share the cores, so it is
 *          what variants are compared by; GFLOP/s "cpu" assume both cores.
 * and the pipeline compile time of each variant's first call.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, test } from 'vitest';
import { matmul, randn, type Runtime, type Tensor } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import type { MatmulVariant } from '../../src/kernels/matmul.js';

interface Shape {
  name: string;
  a: number[];
  b: number[];
  transA?: boolean;
  transB?: boolean;
}

function bertShapes(): Shape[] {
  const out: Shape[] = [];
  const proj: [number, number][] = [
    [768, 768],
    [768, 3072],
    [3072, 768],
  ];
  for (const m of [128, 1024]) {
    for (const [k, n] of proj) out.push({ name: `linear ${m}×${k}·(${n}×${k})ᵀ`, a: [m, k], b: [n, k], transB: true });
  }
  // Weight gradients dW = dYᵀ·X with K = 1024 tokens (nn.Linear's layout: [out, in]).
  for (const [k, n] of proj) out.push({ name: `wgrad (1024×${n})ᵀ·1024×${k}`, a: [1024, n], b: [1024, k], transA: true });
  // Input gradient dX = dY·W.
  out.push({ name: 'dgrad 1024×3072·3072×768', a: [1024, 3072], b: [3072, 768] });
  out.push({ name: 'scores 12×128×64·(12×128×64)ᵀ', a: [12, 128, 64], b: [12, 128, 64], transB: true });
  out.push({ name: 'head 32×768·(2×768)ᵀ', a: [32, 768], b: [2, 768], transB: true });
  return out;
}

/** Matrix–vector-like shapes: where the 'small' kernel competes. */
const narrow = (): Shape[] => [
  { name: 'row 1×768·(3072×768)ᵀ', a: [1, 768], b: [3072, 768], transB: true },
  { name: 'head 32×768·(2×768)ᵀ', a: [32, 768], b: [2, 768], transB: true },
  { name: 'head 256×768·(4×768)ᵀ', a: [256, 768], b: [4, 768], transB: true },
  { name: 'head 256×768·(8×768)ᵀ', a: [256, 768], b: [8, 768], transB: true },
  { name: 'head 256×768·(16×768)ᵀ', a: [256, 768], b: [16, 768], transB: true },
];

const squares = (): Shape[] => [256, 512, 1024, 2048].map((n) => ({ name: `square ${n}`, a: [n, n], b: [n, n] }));

function flops(s: Shape): number {
  const batch = s.a.slice(0, -2).reduce((x, y) => x * y, 1);
  const m = s.transA ? s.a[s.a.length - 1] : s.a[s.a.length - 2];
  const k = s.transA ? s.a[s.a.length - 2] : s.a[s.a.length - 1];
  const n = s.transB ? s.b[s.b.length - 2] : s.b[s.b.length - 1];
  return 2 * batch * m * n * k;
}

/** CPU nanoseconds of every thread of this process except the JS main thread. */
function workerCpuNs(): number {
  let ns = 0;
  for (const t of readdirSync('/proc/self/task')) {
    if (Number(t) === process.pid) continue;
    try {
      ns += Number(readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // thread exited
    }
  }
  return ns;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

let rt: Runtime;
beforeAll(async () => {
  rt = await initNode();
});
afterAll(() => {});

test('matmul variants', async () => {
  const reps = Number(process.env.MM_REPS ?? 5);
  const which = process.env.MM_SHAPES ?? 'bert';
  const filter = process.env.MM_FILTER;
  const groups: Record<string, () => Shape[]> = { bert: bertShapes, squares, narrow, all: () => [...bertShapes(), ...narrow(), ...squares()] };
  const shapes = (groups[which] ?? bertShapes)().filter((s) => !filter || s.name.includes(filter));
  const variants = (process.env.MM_VARIANTS?.split(',') as MatmulVariant[] | undefined) ?? (rt.adapter.isCPU ? ['texture', 'blocked'] : ['tiled', 'tiled-wide', 'splitk']);
  const hasProc = (() => {
    try {
      readdirSync('/proc/self/task');
      return true;
    } catch {
      return false;
    }
  })();
  console.log(`adapter: ${rt.adapter.description || rt.adapter.device} (cpu: ${rt.adapter.isCPU})`);
  const rows: string[] = [];
  for (const s of shapes) {
    const a: Tensor = randn(s.a);
    const b: Tensor = randn(s.b);
    const f = flops(s);
    for (const variant of variants) {
      const run = () => rt.withProfile({ matmul: variant }, () => matmul(a, b, { transA: s.transA, transB: s.transB }).dispose());
      const p0 = rt.pipelineStats().ms;
      await rt.timeGPU(run); // compile + warm up
      const compileMs = rt.pipelineStats().ms - p0;
      const wall: number[] = [];
      const gpu: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < reps; r++) {
        const c0 = hasProc ? workerCpuNs() : 0;
        const t = await rt.timeGPU(run);
        if (hasProc) cpu.push((workerCpuNs() - c0) / 1e6);
        wall.push(t.wallMs);
        if (t.gpuMs !== null) gpu.push(t.gpuMs);
      }
      const gf = (ms: number) => (f / ms / 1e6).toFixed(1);
      const w = median(wall);
      const g = gpu.length ? median(gpu) : NaN;
      const c = cpu.length ? median(cpu) : NaN;
      rows.push(
        `${s.name.padEnd(34)} ${variant.padEnd(10)} wall ${w.toFixed(1).padStart(7)} ms ${gf(w).padStart(6)} GF/s | gpu ${g.toFixed(1).padStart(7)} ms ${gf(g).padStart(6)} | cpu ${c.toFixed(1).padStart(7)} ms ${gf(c / 2).padStart(6)} GF/s | compile ${compileMs.toFixed(0)} ms`,
      );
      console.log(rows[rows.length - 1]);
    }
    a.dispose();
    b.dispose();
  }
});
