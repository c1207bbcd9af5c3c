/**
 * The pre-wait sleep on CPU adapters (runtime/settle.ts), without a GPU:
 * waits are simulated as lavapipe behaves beside dawn.node's busy-poll —
 * work still running when the wait begins goes at half speed, and a wait
 * costs some latency even when the work is long done.
 */
import { describe, expect, test } from 'vitest';
import { SETTLE_MIN_MS, SettleEstimator, type WaitKind } from '../src/runtime/settle.js';

/** A deterministic stream in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/**
 * One simulated wait on work that takes `gpuMs` alone, with `latencyMs` on
 * top (what resolving the wait costs); returns its wall time.
 */
function wait(est: SettleEstimator, work: string, gpuMs: number, latencyMs = 0.15, kind: WaitKind = 'sync'): number {
  const slept = est.sleepMs(kind, work);
  const waited = (slept >= gpuMs ? 0 : (gpuMs - slept) / 0.5) + latencyMs;
  est.note(kind, work, slept, waited);
  return slept + waited;
}

describe('SettleEstimator', () => {
  test('waits at once with no history, and for work too short to sleep on', () => {
    const est = new SettleEstimator();
    expect(est.sleepMs('sync', '100')).toBe(0);
    est.note('sync', '100', 0, SETTLE_MIN_MS);
    expect(est.sleepMs('sync', '100')).toBe(0); // learned 0.6 of the wait, under the minimum
    est.note('sync', '100', 0, 4 * SETTLE_MIN_MS);
    expect(est.sleepMs('sync', '100')).toBeGreaterThan(0);
  });

  test('unseen work waits at once, whatever other work cost', () => {
    const est = new SettleEstimator();
    est.note('sync', '2:adamw', 0, 800); // two dispatches of 400 ms (BERT-base AdamW)
    expect(est.sleepMs('sync', '1000:encoder')).toBe(0);
    expect(est.sleepMs('sync', '2:softmax')).toBe(0); // as many dispatches, other pipelines
    expect(est.sleepMs('read', '2:adamw')).toBe(0); // another kind
    expect(est.sleepMs('sync', '2:adamw')).toBeCloseTo(0.6 * 800, 9); // seen: 0.6 of its contended wait
  });

  test('a repeated wait converges to waking when the work ends, where a fixed 0.6 costs about 40% more', () => {
    const est = new SettleEstimator();
    const walls = Array.from({ length: 30 }, () => wait(est, '200', 50));
    const late = walls.slice(10);
    expect(Math.max(...late)).toBeLessThan(50 * 1.15);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(50);
    // The old rule: sleep 0.6 × 50, then the other 20 ms at half speed.
    expect(0.6 * 50 + (0.4 * 50) / 0.5).toBeCloseTo(70, 9);
  });

  test('wait latency, even jittery and above OVERSLEPT_MS, is not taken for work: no drift over thousands of waits', () => {
    const rnd = lcg(7);
    for (const [kind, lo, hi] of [['sync', 0.15, 0.6], ['read', 0.45, 1.5]] as const) {
      const est = new SettleEstimator();
      const walls: number[] = [];
      for (let i = 0; i < 3000; i++) {
        // Mostly the usual latency, sometimes a loaded machine's 5 ms.
        const latency = rnd() < 0.02 ? 5 : lo + (hi - lo) * rnd();
        walls.push(wait(est, 'w', 50, latency, kind));
      }
      const last = walls.slice(-500).sort((a, b) => a - b);
      expect(last[250]).toBeLessThan(50 * 1.1); // median wall
      expect(est.expectedMs(kind, 'w')).toBeLessThan(50 * 1.1);
      expect(est.expectedMs(kind, 'w')).toBeGreaterThan(50 * 0.7);
    }
  });

  test('work that got much cheaper stops being overslept within a few waits', () => {
    const est = new SettleEstimator();
    for (let i = 0; i < 10; i++) wait(est, '40', 500);
    expect(est.expectedMs('sync', '40')).toBeGreaterThan(450);
    expect(est.expectedMs('sync', '40')).toBeLessThanOrEqual(500);
    const walls = Array.from({ length: 15 }, () => wait(est, '40', 50));
    expect(walls[0]).toBeGreaterThan(400); // the first wait after the change oversleeps
    expect(walls[14]).toBeLessThan(50 * 1.25);
  });

  test('work that got dearer is learned from the contended wait', () => {
    const est = new SettleEstimator();
    for (let i = 0; i < 10; i++) wait(est, '7', 50);
    for (let i = 0; i < 10; i++) wait(est, '7', 200);
    expect(est.expectedMs('sync', '7')).toBeGreaterThan(180);
    expect(est.expectedMs('sync', '7')).toBeLessThanOrEqual(200);
  });

  test('remembers at most 64 kinds and works, dropping the least recently used', () => {
    const est = new SettleEstimator();
    for (let d = 1; d <= 64; d++) est.note('sync', `${d}`, 0, 100);
    est.note('sync', '1', 0, 100); // 1 is now the most recent
    est.note('read', '1', 0, 100);
    expect(est.expectedMs('sync', '1')).toBeDefined();
    expect(est.expectedMs('sync', '2')).toBeUndefined();
    expect(est.expectedMs('read', '1')).toBeDefined();
  });
});
