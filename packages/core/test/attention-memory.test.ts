/**
 * The fused attention path keeps O(T) extra memory through forward and
 * backward: no buffer it allocates holds a T×T matrix, and its peak of live
 * bytes grows with T·D, not T². The composed path, for contrast, allocates
 * [B,H,T,T] score buffers. Measured by wrapping the runtime's buffer pool, so
 * every allocation (and the live bytes right after it) is seen.
 */
import { afterEach, beforeAll, expect, test } from 'vitest';
import { attention, getDefaultRuntime, scope, tensor, type AttentionImpl, type Runtime } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';

const B = 1;
const H = 2;
const T = 512;
const D = 64;
const F32 = 4;

let restore: (() => void) | null = null;

beforeAll(async () => {
  await initNode();
});

afterEach(() => {
  restore?.();
  restore = null;
});

interface AllocationStats {
  /** Largest single buffer requested. */
  largest: number;
  /** Peak live bytes above what was live when tracking started. */
  peakExtra: number;
}

/** Tracks every pool allocation until the returned `stop` is called. */
function track(rt: Runtime): () => AllocationStats {
  const pool = rt.pool;
  const original = pool.acquire;
  const base = pool.stats().liveBytes;
  const stats: AllocationStats = { largest: 0, peakExtra: 0 };
  pool.acquire = (bytes: number) => {
    const buffer = original.call(pool, bytes);
    stats.largest = Math.max(stats.largest, bytes);
    stats.peakExtra = Math.max(stats.peakExtra, pool.stats().liveBytes - base);
    return buffer;
  };
  restore = () => {
    pool.acquire = original;
  };
  return () => {
    restore?.();
    restore = null;
    return stats;
  };
}

async function forwardBackward(impl: AttentionImpl): Promise<AllocationStats> {
  const rt = getDefaultRuntime();
  const n = B * H * T * D;
  const data = () => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
  return scope(async () => {
    const q = tensor(data(), [B, H, T, D], { requiresGrad: true });
    const k = tensor(data(), [B, H, T, D], { requiresGrad: true });
    const v = tensor(data(), [B, H, T, D], { requiresGrad: true });
    const g = tensor(data(), [B, H, T, D]);
    const mask = tensor(Int32Array.from({ length: B * T }, (_, j) => (j < T - 7 ? 1 : 0)), [B, T], { dtype: 'int32' });
    await rt.sync();
    const stop = track(rt);
    rt.withProfile({ attention: impl }, () => attention(q, k, v, { keyMask: mask, dropout: 0.1 }).backward(g));
    const stats = stop();
    // The gradients are real (finite, not all zero): the work was done.
    const dq = await q.grad!.data();
    expect(dq.every(Number.isFinite)).toBe(true);
    expect(dq.some((x) => x !== 0)).toBe(true);
    return stats;
  });
}

const scoreBytes = B * H * T * T * F32;
const rowBytes = B * H * T * D * F32;

test(`fused forward + backward at T=${T} allocates no T×T buffer and O(T·D) in all`, async () => {
  const fused = await forwardBackward('fused');
  console.log(`fused: largest buffer ${fused.largest} B, peak extra ${fused.peakExtra} B (one [B,H,T,T] f32 buffer is ${scoreBytes} B)`);
  expect(fused.largest).toBeLessThan(scoreBytes);
  expect(fused.largest).toBeLessThanOrEqual(rowBytes * 1.25); // pool size classes round up ≤ 25%
  // Output, row statistics, dQ/dK/dV, Dᵢ, key bias: a handful of [B,H,T,D]-sized buffers.
  expect(fused.peakExtra).toBeLessThan(8 * rowBytes);
}, 600_000);

test(`composed forward + backward at T=${T} does allocate [B,H,T,T] buffers`, async () => {
  const composed = await forwardBackward('composed');
  console.log(`composed: largest buffer ${composed.largest} B, peak extra ${composed.peakExtra} B`);
  expect(composed.largest).toBeGreaterThanOrEqual(scoreBytes);
  expect(composed.peakExtra).toBeGreaterThan(2 * scoreBytes);
}, 600_000);
