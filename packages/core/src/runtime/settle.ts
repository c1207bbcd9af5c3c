/**
 * Waits on CPU adapters under a polling binding (dawn.node): sleep SLEEP_SHARE of the
 * fastest wait seen on the same work (unseen work waits at once), then wait with the
 * polls throttled (WaitThrottle). Why, and the measurements: docs/perf/waits.md.
 */

import { setMostRecent } from './lru.js';
import type { DeviceProfile } from './policy.js';

/** Wraps a wait on the GPU (e.g. throttles the binding's polls); `wait` makes the pending promise and must be called inside. */
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

/** The profile's `wait` entry; auto: CPU adapters 'sleep' where the binding polls (dawn.node), else 'throttle'; GPUs 'plain'. */
export function waitStrategy(p: DeviceProfile, bindingPolls: boolean): 'sleep' | 'throttle' | 'plain' {
  if (p.wait !== 'auto') return p.wait;
  if (p.adapterClass === 'gpu') return 'plain';
  return bindingPolls ? 'sleep' : 'throttle';
}

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
