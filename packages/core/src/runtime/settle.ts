/**
 * How we wait on the GPU on CPU adapters (lavapipe, SwiftShader) under a
 * WebGPU binding that polls, as dawn.node does.
 *
 * While a map or onSubmittedWorkDone() is pending, dawn.node calls
 * wgpuInstanceProcessEvents from setImmediate back to back: a core at 100%,
 * and on a CPU adapter that core is one of the GPU's. Worse than losing a
 * core, the polling nearly stalls lavapipe: layer norm's benchmark wait (50
 * calls, 6–7 ms of work) took 14–30 ms whenever a sleep ended a few
 * milliseconds early, against 6.6 ms when the sleep ended with the work.
 * Two measures, both only on CPU adapters:
 *
 * 1. A WaitThrottle (initNode's, node.ts) spaces the binding's polls out
 *    while we wait, so work that outlasts the sleep finishes at nearly full
 *    speed and the wait overshoots by at most a poll interval.
 * 2. Before waiting, the runtime sleeps for SLEEP_SHARE of the fastest wait
 *    seen on the same work, so the polls, cheap as they are now, run only
 *    over the work's last stretch. Waits repeat (a training loop or a
 *    benchmark waits on the same work every step), so the time is kept per
 *    kind of wait and per work signature: the count of dispatches since the
 *    last wait and a hash of their pipelines and workgroup counts (a count
 *    alone would let one 400 ms AdamW dispatch teach the wait after one
 *    small op to sleep 400 ms). Unseen work waits at once.
 *
 * The fastest wait is the right yardstick because an early wake-up now
 * costs little (the throttled polls) and a late one costs all of its
 * lateness, and this VM's speed drifts ±30% from wait to wait. The previous
 * rule here, without the throttle, had to aim at the expected time itself
 * and learned it from each wait's outcome; it swung between oversleeping
 * and contended waits. Measured on lavapipe (2 cores), per call, the old
 * and new runtime loaded in one process and their rounds alternating, with
 * polls every 0.5 ms and (in brackets) every 1 ms: layer norm [128×768]
 * −15% (−23%), softmax [1536×128] −23% (−28%), [128×768]·[768×768] −7% (−4%).
 */

import { setMostRecent } from './lru.js';

/**
 * Wraps a wait on the GPU, e.g. to throttle the binding's polling while it
 * is pending. `wait` creates the pending promise: it must be called inside.
 */
export interface WaitThrottle {
  around<T>(wait: () => Promise<T>): Promise<T>;
}

/** Sleeps shorter than this (ms) are skipped: timers are about a millisecond coarse. */
export const SETTLE_MIN_MS = 1;
/** Longest sleep (ms). */
export const SETTLE_MAX_MS = 10_000;
/** Share of the fastest wait seen on the same work slept before waiting. */
export const SLEEP_SHARE = 0.8;
/** Kinds and work signatures remembered (least recently used dropped). */
const MAX_KEYS = 64;

/** A wait for the queue (sync) or for a buffer map (read, which adds a copy). */
export type WaitKind = 'sync' | 'read';

export class SettleEstimator {
  /** Per kind of wait and work signature: the fastest whole wait (sleep included) seen, ms. */
  private readonly fastest = new Map<string, number>();

  /** Milliseconds to sleep before a wait of `kind` on the work signed `work` (0: wait at once). */
  sleepMs(kind: WaitKind, work: string): number {
    const ms = (this.fastest.get(`${kind}:${work}`) ?? 0) * SLEEP_SHARE;
    return ms < SETTLE_MIN_MS ? 0 : Math.min(ms, SETTLE_MAX_MS);
  }

  /** After a wait of `kind` on the work signed `work` that took `totalMs` from submit to done, sleep included. */
  note(kind: WaitKind, work: string, totalMs: number): void {
    const key = `${kind}:${work}`;
    setMostRecent(this.fastest, key, Math.min(this.fastest.get(key) ?? Infinity, totalMs), MAX_KEYS);
  }

  /** The fastest wait seen for a kind of wait and work signature (tests, diagnostics). */
  fastestMs(kind: WaitKind, work: string): number | undefined {
    return this.fastest.get(`${kind}:${work}`);
  }
}
