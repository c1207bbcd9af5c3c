/**
 * The pre-wait sleep on CPU adapters (runtime/settle.ts), without a GPU:
 * waits are simulated as lavapipe behaves beside dawn.node's busy-poll —
 * work still running when the wait begins goes at half speed.
 */
import { describe, expect, test } from 'vitest';
import { SETTLE_MIN_MS, SettleEstimator } from '../src/runtime/settle.js';

/** One simulated wait on work that takes `gpuMs` alone; returns its wall time. */
function wait(est: SettleEstimator, dispatches: number, gpuMs: number): number {
  const slept = est.sleepMs(dispatches);
  const waited = slept >= gpuMs ? 0.05 : (gpuMs - slept) / 0.5;
  est.note(dispatches, slept, waited);
  return slept + waited;
}

describe('SettleEstimator', () => {
  test('waits at once with no history, and for work too short to sleep on', () => {
    const est = new SettleEstimator();
    expect(est.sleepMs(100)).toBe(0);
    est.note(100, 0, SETTLE_MIN_MS);
    expect(est.sleepMs(100)).toBe(0); // learned 0.6 of the wait, under the minimum
    expect(est.sleepMs(0)).toBe(0);
  });

  test('an unseen dispatch count guesses 0.6 of the fastest recent time per dispatch', () => {
    const est = new SettleEstimator();
    est.note(10, 0, 100); // 10 ms per dispatch
    est.note(50, 0, 1000); // 20 ms per dispatch
    expect(est.sleepMs(20)).toBeCloseTo(0.6 * 20 * 10, 9);
    expect(est.sleepMs(10)).toBeCloseTo(0.6 * 100, 9); // seen: its own estimate
  });

  test('a repeated wait converges to waking when the work ends, where a fixed 0.6 costs about 40% more', () => {
    const est = new SettleEstimator();
    const walls = Array.from({ length: 30 }, () => wait(est, 200, 50));
    const late = walls.slice(10);
    expect(Math.max(...late)).toBeLessThan(50 * 1.15);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(50);
    // The old rule: sleep 0.6 × 50, then the other 20 ms at half speed.
    expect(0.6 * 50 + (0.4 * 50) / 0.5).toBeCloseTo(70, 9);
  });

  test('work that got much cheaper stops being overslept within a few waits', () => {
    const est = new SettleEstimator();
    for (let i = 0; i < 10; i++) wait(est, 40, 500);
    expect(est.expectedMs(40)).toBeGreaterThan(450);
    expect(est.expectedMs(40)).toBeLessThanOrEqual(500);
    const walls = Array.from({ length: 15 }, () => wait(est, 40, 50));
    expect(walls[0]).toBeGreaterThan(400); // the first wait after the change oversleeps
    expect(walls[14]).toBeLessThan(50 * 1.25);
  });

  test('work that got dearer is learned from the contended wait', () => {
    const est = new SettleEstimator();
    for (let i = 0; i < 10; i++) wait(est, 7, 50);
    for (let i = 0; i < 10; i++) wait(est, 7, 200);
    expect(est.expectedMs(7)).toBeGreaterThan(190);
    expect(est.expectedMs(7)).toBeLessThanOrEqual(200);
  });

  test('remembers at most 64 dispatch counts, dropping the least recently used', () => {
    const est = new SettleEstimator();
    for (let d = 1; d <= 64; d++) est.note(d, 0, 100);
    est.note(1, 0, 100); // 1 is now the most recent
    est.note(65, 0, 100);
    expect(est.expectedMs(1)).toBeDefined();
    expect(est.expectedMs(2)).toBeUndefined();
    expect(est.expectedMs(65)).toBeDefined();
  });
});
