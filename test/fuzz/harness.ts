/**
 * The rules every parser of outside data is fuzzed against, and the knobs of
 * a run. For each generated input a parser must, within CASE_MS:
 * - return a result its target's check accepts, or throw one of the
 *   parser's own error classes whose message names the file (and, where the
 *   target states a pattern, the byte, line or field);
 * - never throw anything else (a RangeError, TypeError or non-Error from
 *   inside is a failure);
 * - never grow memory by more than a few copies of its input (a length field
 *   claiming 2^60 bytes must be refused, not allocated).
 * The parse runs under vm's timeout, which interrupts even a synchronous
 * infinite loop, so a hang fails its case instead of stalling the suite.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { fc } from '@fast-check/vitest';

function intEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got "${v}"`);
  return n;
}

/** Generated cases per target: 1,000 in `npm test`; scripts/fuzz.mjs raises it. */
export const RUNS = intEnv('BAMGPU_FUZZ_RUNS', 1000);
/** Fixed in `npm test`, so a failure there reproduces; scripts/fuzz.mjs picks fresh ones. */
export const SEED = intEnv('BAMGPU_FUZZ_SEED', 18);
/** One case's wall-clock bound. Inputs are at most a few kilobytes; real cases take well under a millisecond. */
export const CASE_MS = intEnv('BAMGPU_FUZZ_CASE_MS', 1000);
/** The bound while a failure is being minimised: many candidates hang, and each costs this long. */
const MINIMISE_CASE_MS = Math.min(CASE_MS, 200);
let caseLimitMs = CASE_MS;
/** Whether failures are written to regressions/<target>.json (scripts/fuzz.mjs sets it). */
const RECORD = process.env.BAMGPU_FUZZ_RECORD === '1';

export const REGRESSIONS_DIR = join(import.meta.dirname, 'regressions');

/** Memory a case may add: slack for the engine, plus a bounded multiple of the input. */
const memoryBound = (inputBytes: number): number => 16 * 2 ** 20 + 64 * inputBytes;

/** A rule broken by one input: what the fuzz run reports and records. */
export class FuzzFailure extends Error {
  override name = 'FuzzFailure';
}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface FuzzTarget {
  /** Also the regression file's name. */
  readonly name: string;
  readonly input: fc.Arbitrary<Uint8Array>;
  /** Runs the parser on one input (through runCase) and checks what it returned; throws FuzzFailure otherwise. */
  readonly check: (bytes: Uint8Array) => void;
}

export interface CaseRules {
  /** The name the parser is given for the input; every refusal must contain it. */
  readonly file: string;
  /** The parser's own error classes. */
  readonly own: readonly ErrorClass[];
  /** Where a refusal must point (byte, line, field); omitted where messages vary. */
  readonly where?: RegExp;
}

const context = vm.createContext({ job: null as null | (() => unknown), result: null as unknown });
const script = new vm.Script('result = job()');

function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 6).join('\n') ?? ''}`;
  return `a thrown ${typeof e} (${String(e)})`;
}

/**
 * Runs `parse` under the rules; returns its result, or its own error when it
 * refused the input. Throws FuzzFailure when a rule is broken.
 */
export function runCase<T>(input: Uint8Array, rules: CaseRules, parse: () => T): { value: T } | { refused: Error } {
  const before = process.memoryUsage();
  let outcome: { value: T } | { thrown: unknown };
  context.job = () => {
    try {
      return { value: parse() };
    } catch (thrown) {
      return { thrown };
    }
  };
  try {
    script.runInContext(context, { timeout: caseLimitMs });
    outcome = context.result as typeof outcome;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new FuzzFailure(`${rules.file}: the parser ran past ${caseLimitMs} ms on a ${input.length}-byte input (a hang or unbounded work)`);
    }
    throw e;
  } finally {
    context.job = null;
    context.result = null;
  }
  const after = process.memoryUsage();
  const grew = Math.max(after.arrayBuffers - before.arrayBuffers, after.heapUsed - before.heapUsed);
  if (grew > memoryBound(input.length)) {
    throw new FuzzFailure(`${rules.file}: memory grew by ${grew} bytes on a ${input.length}-byte input (bound ${memoryBound(input.length)})`);
  }
  if ('value' in outcome) return outcome;
  const e = outcome.thrown;
  if (!rules.own.some((C) => e instanceof C)) throw new FuzzFailure(`${rules.file}: foreign error, not ${rules.own.map((C) => C.name).join(' or ')}: ${describeThrown(e)}`);
  const message = (e as Error).message;
  if (!message.includes(rules.file)) throw new FuzzFailure(`refusal does not name the file "${rules.file}": ${message}`);
  if (rules.where && !rules.where.test(message)) throw new FuzzFailure(`refusal does not say where (${rules.where}): ${message}`);
  return { refused: e as Error };
}

/** Throws FuzzFailure unless `ok`: for the targets' checks of returned values. */
export function expectValid(ok: boolean, what: string): void {
  if (!ok) throw new FuzzFailure(what);
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

export interface RegressionCase {
  /** The input, minimised by fast-check's shrinking. */
  readonly hex: string;
  /** What it broke when it was found. */
  readonly found: string;
}

export function regressionPath(target: string): string {
  return join(REGRESSIONS_DIR, `${target}.json`);
}

export function readRegressions(target: string): RegressionCase[] {
  try {
    return (JSON.parse(readFileSync(regressionPath(target), 'utf8')) as { cases: RegressionCase[] }).cases;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return [];
    throw e;
  }
}

/** The rule a failure broke, with its particulars (numbers, quoted names) left out. */
function failureKind(e: unknown): string {
  if (!(e instanceof FuzzFailure)) return e instanceof Error ? e.name : typeof e;
  return e.message.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '""').slice(0, 80);
}

/**
 * Shrinks a failing input further than fast-check's shrinking of the
 * mutations can: removes ever smaller chunks while the same rule still
 * breaks (delta debugging), within a budget of tries.
 */
export function minimise(input: Uint8Array, check: (bytes: Uint8Array) => void, maxTries = 3000): Uint8Array {
  const kind = (b: Uint8Array): string | null => {
    try {
      check(b);
      return null;
    } catch (e) {
      return failureKind(e);
    }
  };
  caseLimitMs = MINIMISE_CASE_MS;
  try {
    const want = kind(input);
    if (want === null) return input;
    let best = input;
    let tries = 0;
    for (let chunk = Math.max(1, best.length >> 1); chunk >= 1 && tries < maxTries; ) {
      let removed = false;
      for (let at = 0; at < best.length && tries < maxTries; tries++) {
        const candidate = concatBytes(best.subarray(0, at), best.subarray(at + chunk));
        if (kind(candidate) === want) {
          best = candidate;
          removed = true;
        } else at += chunk;
      }
      if (!removed) chunk >>= 1;
    }
    return best;
  } finally {
    caseLimitMs = CASE_MS;
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function recordRegression(target: FuzzTarget, failing: Uint8Array, error: unknown): void {
  const input = minimise(failing, target.check);
  const cases = readRegressions(target.name);
  const hex = toHex(input);
  if (cases.some((c) => c.hex === hex)) return;
  const found = (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 300);
  cases.push({ hex, found });
  writeFileSync(regressionPath(target.name), JSON.stringify({ cases }, null, 2) + '\n');
}

/** fast-check parameters for a target: the run's size and seed, and a reporter that records minimised failures. */
export function fuzzParameters(target: FuzzTarget): fc.Parameters<[Uint8Array]> {
  const report = (details: fc.RunDetails<[Uint8Array]>): void => {
    if (!details.failed) return;
    if (RECORD && details.counterexample) recordRegression(target, details.counterexample[0], details.errorInstance);
    throw new Error(fc.defaultReportMessage(details), { cause: details.errorInstance });
  };
  // test.prop runs an async property, whose failures go to asyncReporter.
  return { numRuns: RUNS, seed: SEED, asyncReporter: async (d) => report(d) };
}
