/**
 * How long to sleep before waiting on the GPU, on CPU adapters.
 *
 * dawn.node busy-polls a core while a map or onSubmittedWorkDone() is
 * pending, and on a CPU adapter (lavapipe, SwiftShader) that core is one of
 * the GPU's: work still running when the wait begins runs at about half
 * speed beside the poller. Measured on lavapipe (2 cores), ten
 * [128×768]ᵀ·[128×768] matmuls submitted at once: 67 ms when waited for at
 * once, 64 ms after sleeping 27 ms first (the rest of the work took 35 ms
 * beside the poller), 45 ms after sleeping 40 ms. Ending the sleep d too
 * early costs about d; ending it d too late costs d. So the sleep aims at
 * the expected time itself.
 *
 * Waits repeat: a training loop or a benchmark waits on the same work every
 * step. So the expected time is learned per kind of wait and per work
 * signature: the runtime's count of dispatches since the last wait and a
 * hash of their pipelines and workgroup counts (a count alone would let one
 * 400 ms AdamW dispatch teach the wait after one small op to sleep 400 ms).
 * Unseen work waits at once and is learned from that: what a dispatch costs
 * varies too much between workloads to guess from others (after BERT-base
 * AdamW, a per-dispatch guess for an encoder step of a thousand small
 * dispatches slept 10 s and made the benchmark's next row four times
 * slower).
 *
 * A wait never takes zero time even when the work is long done: on
 * lavapipe onSubmittedWorkDone() resolves 0.15–0.6 ms after an idle GPU,
 * a read 0.45–5 ms (its own copy and map), more on a loaded machine. So a
 * wait is judged against the shortest wait of its kind yet (the floor),
 * with room for jitter; an estimate that took latency for unfinished work
 * would grow with every wait. What a wait shows:
 * - the work was done on waking (the wait was under twice the floor plus
 *   OVERSLEPT_MS): it took at most the sleep, so the estimate shrinks, by
 *   5% the first two times in a row (an estimate that is right wakes just
 *   late or just early, by chance) and harder each time in a row after
 *   that (×0.8 more each), so a step that got much cheaper is not overslept
 *   for long;
 * - the work outlasted the sleep: it would have taken about the sleep plus
 *   half the time waited past the floor (that part ran at half speed);
 * - no sleep: the whole wait was contended, so about 0.6 of it.
 */

import { setMostRecent } from './lru.js';

/**
 * Work expected to take less than this (ms) is waited for at once: timers
 * are coarser than the loss. At 8 ms, layer norm's benchmark (50 calls, about
 * 9 ms a wait) hovered at the threshold, half its waits contended.
 */
export const SETTLE_MIN_MS = 1;
/** Longest sleep (ms): a wrong estimate costs at most this. */
export const SETTLE_MAX_MS = 10_000;
/** A wait after the sleep under twice the floor plus this (ms) means the work was done on waking. */
export const OVERSLEPT_MS = 0.5;
/**
 * The floor never counts above this (ms): the first waits after a sleep may
 * all have outlasted it, and their minimum, taken for latency, made later
 * unfinished work look done (the estimate then shrank while it was short).
 */
const FLOOR_MAX_MS = 1;
/**
 * An estimate that overslept is multiplied by this, and from the third
 * oversleep in a row by HARDER more for each one before it but the first:
 * the same work's time varies by ±30% from wait to wait on this VM, so two
 * oversleeps in a row are common and must not halve the estimate.
 */
const SHRINK = 0.95;
const HARDER = 0.8;
/** Speed of the GPU's work beside the poller, as a share of its speed alone. */
const CONTENDED_SPEED = 0.5;
/** Share of an unslept wait the work would have taken alone. */
const UNSLEPT_SHARE = 0.6;
/** Kinds and work signatures remembered (least recently used dropped). */
const MAX_KEYS = 64;

/** A wait for the queue (sync) or for a buffer map (read, which adds a copy). */
export type WaitKind = 'sync' | 'read';

export class SettleEstimator {
  /** Per kind of wait and work signature: the expected ms, and how many waits in a row overslept. */
  private readonly byWork = new Map<string, { ms: number; overslept: number }>();
  /**
   * Per kind, the shortest wait after a sleep seen (ms): what a wait costs
   * with nothing left to wait for. Kept for the process's life: a window of
   * recent waits would fill with long ones while the estimate is short, and
   * then take them for latency.
   */
  private readonly floor: Record<WaitKind, number> = { sync: Infinity, read: Infinity };

  /** Milliseconds to sleep before a wait of `kind` on the work signed `work` (0: wait at once). */
  sleepMs(kind: WaitKind, work: string): number {
    const ms = this.byWork.get(`${kind}:${work}`)?.ms ?? 0;
    return ms < SETTLE_MIN_MS ? 0 : Math.min(ms, SETTLE_MAX_MS);
  }

  /**
   * After a wait of `kind` on the work signed `work`: `sleptMs` slept, then
   * `waitedMs` waited.
   */
  note(kind: WaitKind, work: string, sleptMs: number, waitedMs: number): void {
    const floor = Math.min(this.floor[kind], FLOOR_MAX_MS);
    if (sleptMs > 0) this.floor[kind] = Math.min(this.floor[kind], waitedMs);
    const overslept = sleptMs > 0 && waitedMs < 2 * floor + OVERSLEPT_MS;
    const key = `${kind}:${work}`;
    const prior = this.byWork.get(key);
    let entry: { ms: number; overslept: number };
    if (overslept) {
      const k = prior?.overslept ?? 0;
      entry = { ms: Math.min(prior?.ms ?? sleptMs, sleptMs) * SHRINK * HARDER ** Math.max(0, k - 1), overslept: k + 1 };
    } else {
      const alone = sleptMs > 0 ? sleptMs + Math.max(0, waitedMs - floor) * CONTENDED_SPEED : waitedMs * UNSLEPT_SHARE;
      entry = { ms: prior === undefined ? alone : (prior.ms + alone) / 2, overslept: 0 };
    }
    setMostRecent(this.byWork, key, entry, MAX_KEYS);
  }

  /** The learned time for a kind of wait and work signature (tests, diagnostics). */
  expectedMs(kind: WaitKind, work: string): number | undefined {
    return this.byWork.get(`${kind}:${work}`)?.ms;
  }
}
