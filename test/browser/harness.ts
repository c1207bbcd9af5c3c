/**
 * A minimal test runner for the page: tests run one at a time (async scopes
 * in @bamgpu/core must not interleave), each result is posted to the runner
 * before the next test starts, and a test can end as skipped by throwing
 * `skip(reason)` — used only for a capability the adapter lacks.
 */
import { post, type Status } from './protocol.js';

export interface BrowserTest {
  /** Shown as one line by the runner; unique across the suite. */
  name: string;
  run: () => Promise<string | void> | string | void;
}


class Skipped extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Ends the current test as skipped. */
export function skip(reason: string): never {
  throw new Skipped(reason);
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // The first stack frames say where; the rest is the harness.
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 4);
  return [`${e.name}: ${e.message}`, ...frames].join('\n');
}

class TimedOut extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(`timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs the tests in order and posts each result; resolves to the failure
 * count. A test that takes over `timeoutMs` fails and stops the run, since
 * its GPU work and scope would still be live under the next test; so does
 * `stopReason()` returning a reason (a lost device fails everything after). (The
 * timeout can only fire between a test's awaits: a long synchronous stretch,
 * like a finite-difference loop, overruns it.)
 */
export async function runTests(tests: BrowserTest[], timeoutMs: number, stopReason: () => string | null): Promise<number> {
  let failures = 0;
  for (const [i, t] of tests.entries()) {
    await post({ type: 'begin', name: t.name });
    const t0 = performance.now();
    let status: Status = 'pass';
    let error: string | undefined;
    let reason: string | undefined;
    let note: string | undefined;
    let timedOut = false;
    try {
      note = (await withTimeout(Promise.resolve().then(t.run), timeoutMs)) ?? undefined;
    } catch (e) {
      timedOut = e instanceof TimedOut;
      if (e instanceof Skipped) {
        status = 'skip';
        reason = e.reason;
      } else {
        status = 'fail';
        error = describeError(e);
        failures++;
      }
    }
    await post({ type: 'result', name: t.name, status, ms: Math.round(performance.now() - t0), error, reason, note });
    const stop = timedOut ? 'it timed out' : stopReason();
    if (stop) {
      await post({ type: 'fatal', message: `stopped after "${t.name}": ${stop}; ${tests.length - i - 1} tests did not run` });
      return failures;
    }
  }
  return failures;
}
