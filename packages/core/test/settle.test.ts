/**
 * The pre-wait sleep on CPU adapters (runtime/settle.ts), without a GPU:
 * waits are simulated as lavapipe behaves once dawn.node's polls are
 * throttled — work still running when the wait begins finishes at its own
 * pace, and the wait resolves at the next poll after it (at most a poll
 * interval late), or after some latency when the work is long done.
 */
import { describe, expect, test } from 'vitest';
import { SETTLE_MIN_MS, SLEEP_SHARE, SettleEstimator, type WaitKind } from '../src/runtime/settle.js';

/** A deterministic stream in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const POLL_MS = 0.5;

/** One simulated wait on work that takes `gpuMs`; `lateMs` is how late it resolves after the work (or the sleep) ends. */
function wait(est: SettleEstimator, work: string, gpuMs: number, lateMs = POLL_MS / 2, kind: WaitKind = 'sync'): number {
  const slept = est.sleepMs(kind, work);
  const total = Math.max(slept, gpuMs) + lateMs;
  est.note(kind, work, total);
  return total;
}

describe('SettleEstimator', () => {
  test('waits at once with no history, then sleeps a share of the fastest wait, never for a sleep under a timer tick', () => {
    const est = new SettleEstimator();
    expect(est.sleepMs('sync', '100')).toBe(0);
    est.note('sync', '100', SETTLE_MIN_MS);
    expect(est.sleepMs('sync', '100')).toBe(0); // 0.8 ms: under the minimum
    est.note('sync', '100', 10);
    expect(est.sleepMs('sync', '100')).toBe(0); // the fastest is still 1 ms
    est.note('sync', '200', 10);
    est.note('sync', '200', 30); // slower waits never raise it
    expect(est.sleepMs('sync', '200')).toBeCloseTo(SLEEP_SHARE * 10, 12);
    est.note('sync', '200', 5);
    expect(est.sleepMs('sync', '200')).toBeCloseTo(SLEEP_SHARE * 5, 12);
  });

  test('unseen work waits at once, whatever other work cost', () => {
    const est = new SettleEstimator();
    est.note('sync', '2:adamw', 800); // two dispatches of 400 ms (BERT-base AdamW)
    expect(est.sleepMs('sync', '1000:encoder')).toBe(0);
    expect(est.sleepMs('sync', '2:softmax')).toBe(0); // as many dispatches, other pipelines
    expect(est.sleepMs('read', '2:adamw')).toBe(0); // another kind
    expect(est.sleepMs('sync', '2:adamw')).toBeCloseTo(SLEEP_SHARE * 800, 9);
  });

  test('on work whose time drifts ±30%, every sleep ends before the work does, and waits end within a poll of it', () => {
    const rnd = lcg(7);
    const est = new SettleEstimator();
    let lateSum = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const gpu = 50 * (0.7 + 0.6 * rnd());
      const slept = est.sleepMs('sync', 'w');
      expect(slept).toBeLessThan(gpu); // the fastest run was no faster than 35 ms, and 0.8 of it is 28
      lateSum += wait(est, 'w', gpu, POLL_MS * rnd()) - gpu;
    }
    expect(lateSum / n).toBeLessThanOrEqual(POLL_MS);
    expect(est.fastestMs('sync', 'w')).toBeGreaterThanOrEqual(35);
  });

  test('work that got much cheaper stops being overslept within a few waits', () => {
    const est = new SettleEstimator();
    for (let i = 0; i < 10; i++) wait(est, '40', 500);
    const walls = Array.from({ length: 15 }, () => wait(est, '40', 50));
    expect(walls[0]).toBeGreaterThan(400); // the first wait after the change oversleeps
    // Each oversleep is itself a wait, so the fastest falls by SLEEP_SHARE a time.
    expect(walls[10]).toBeLessThan(50 * 1.05);
  });

  test('work that got dearer keeps its old sleep: the rest is polled for, not slept through', () => {
    const est = new SettleEstimator();
    for (let i = 0; i < 10; i++) wait(est, '7', 50);
    const walls = Array.from({ length: 10 }, () => wait(est, '7', 200));
    expect(est.sleepMs('sync', '7')).toBeLessThan(50);
    for (const w of walls) expect(w).toBeLessThanOrEqual(200 + POLL_MS);
  });

  test('remembers at most 64 kinds and works, dropping the least recently used', () => {
    const est = new SettleEstimator();
    for (let d = 1; d <= 64; d++) est.note('sync', `${d}`, 100);
    est.note('sync', '1', 100); // 1 is now the most recent
    est.note('read', '1', 100);
    expect(est.fastestMs('sync', '1')).toBeDefined();
    expect(est.fastestMs('sync', '2')).toBeUndefined();
    expect(est.fastestMs('read', '1')).toBeDefined();
  });
});
