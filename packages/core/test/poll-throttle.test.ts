/**
 * initNode's wait throttle (node.ts dawnPollThrottle): while a wait runs
 * inside it, every setImmediate — the hook dawn.node's promise polling goes
 * through — starts at least a poll interval late; the original comes back
 * when the last overlapping wait settles, resolved or rejected.
 */
import { describe, expect, test } from 'vitest';
import { dawnPollThrottle } from '../src/node.js';

type SetImmediate = (cb: () => void) => unknown;
const timers = globalThis as unknown as { setImmediate: SetImmediate };

/** Milliseconds until a setImmediate callback queued now runs. */
function immediateDelay(): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => timers.setImmediate(() => resolve(performance.now() - t0)));
}

describe('dawnPollThrottle', () => {
  test('spaces setImmediate out only while a wait is inside it', async () => {
    const original = timers.setImmediate;
    const throttle = dawnPollThrottle(5);
    const inside = await throttle.around(() => immediateDelay());
    expect(inside).toBeGreaterThanOrEqual(4.5);
    expect(timers.setImmediate).toBe(original);
    expect(await immediateDelay()).toBeLessThan(4.5 * 10); // unthrottled: no blocking wait (loose bound on a loaded machine)
  });

  test('overlapping waits share one installation; a rejected wait still restores it', async () => {
    const original = timers.setImmediate;
    const throttle = dawnPollThrottle(1);
    let releaseLong!: () => void;
    const long = throttle.around(() => new Promise<void>((resolve) => (releaseLong = resolve)));
    const failing = throttle.around(() => Promise.reject(new Error('lost')));
    await expect(failing).rejects.toThrow('lost');
    expect(timers.setImmediate).not.toBe(original); // the long wait is still pending
    releaseLong();
    await long;
    expect(timers.setImmediate).toBe(original);
  });
});
