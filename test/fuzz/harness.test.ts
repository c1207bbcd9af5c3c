/** The fuzz rules themselves: each one fails when broken, so a passing fuzz run means something. */
import { describe, expect, test } from 'vitest';
import { FuzzFailure, minimise, runCase } from './harness.js';

class OwnError extends Error {}
const input = new Uint8Array(8);
const rules = { file: 'f.bin', own: [OwnError], where: /byte \d+/ };

describe('fuzz harness rules', () => {
  test('a result or an own error naming the file and the byte passes', () => {
    expect(runCase(input, rules, () => 5)).toEqual({ value: 5 });
    const out = runCase(input, rules, () => {
      throw new OwnError('f.bin: byte 3: bad');
    });
    expect('refused' in out && out.refused.message).toBe('f.bin: byte 3: bad');
  });

  test('a synchronous infinite loop is interrupted and fails its case', () => {
    const t0 = performance.now();
    expect(() => runCase(input, rules, () => {
      for (;;);
    })).toThrow(/f\.bin: the parser ran past 1000 ms/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  test.each<[string, () => never, RegExp]>([
    ['a TypeError', () => (null as unknown as { x: () => never }).x(), /foreign error, not OwnError: TypeError/],
    ['a RangeError', () => { throw new RangeError('Invalid array length'); }, /foreign error.*RangeError/],
    ['a non-Error', () => { throw 'boom'; }, /foreign error.*a thrown string/],
    ['an own error without the file', () => { throw new OwnError('byte 3: bad'); }, /does not name the file "f\.bin"/],
    ['an own error without the place', () => { throw new OwnError('f.bin: bad'); }, /does not say where/],
  ])('%s fails the case', (_what, parse, message) => {
    expect(() => runCase(input, rules, parse)).toThrow(FuzzFailure);
    expect(() => runCase(input, rules, parse)).toThrow(message);
  });

  test('an allocation far beyond the input fails the case', () => {
    let kept: Uint8Array | null = null;
    expect(() => runCase(input, rules, () => (kept = new Uint8Array(256 * 2 ** 20)))).toThrow(/memory grew by \d+ bytes on a 8-byte input/);
    expect(kept).not.toBeNull();
  });

  test('minimise keeps only what the failure needs', () => {
    const check = (b: Uint8Array) => {
      if (b.includes(0x63)) throw new FuzzFailure('has a c');
    };
    expect(Array.from(minimise(new TextEncoder().encode('\x80\x02]cnumpy\nx'), check))).toEqual([0x63]);
  });
});
