import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PickleError, readPickle, writePickle, type PickleValue } from '../src/io/pickle.js';

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', 'pickle', name)));

describe('pickle: files the BAM reference writes', () => {
  test('teacher logits {eid: float32 array} (numpy, protocol 5)', () => {
    const d = readPickle(fixture('cls_predictions.pkl'), 'cls_predictions.pkl') as Map<number, Float32Array>;
    expect([...d.keys()]).toEqual([0, 1, 7]);
    expect(Array.from(d.get(0)!)).toEqual([1.5, -0.25]);
    expect(Array.from(d.get(7)!)).toEqual([-1, 3.25]);
  });

  test('STS predictions {eid: float32 scalar}', () => {
    const d = readPickle(fixture('sts_predictions.pkl')) as Map<number, number>;
    expect(d.get(0)).toBe(0.625);
    expect(d.get(3)).toBe(0.125);
  });

  test('results.pkl: a list of {task: {metric: value}}', () => {
    const r = readPickle(fixture('results.pkl')) as Map<string, Map<string, number>>[];
    expect(r).toHaveLength(2);
    expect(r[1].get('rte')!.get('accuracy')).toBe(67.5);
  });
});

describe('pickle: what we write reads back identically', () => {
  test('dict of int → list of floats, list of dicts, strings, ints, None, bools', () => {
    const value: PickleValue = [
      new Map<PickleValue, PickleValue>([[0, [1.5, -2.25e-7]], [41, [0.1, 0.2, 0.7]], [-3, 5]]),
      new Map<PickleValue, PickleValue>([['rte', new Map<PickleValue, PickleValue>([['accuracy', 66.5]])]]),
      'naïve ✓', null, true, false, 2 ** 40,
    ];
    const back = readPickle(writePickle(value));
    expect(back).toEqual(value);
  });

  test('protocol 2 header and STOP byte (so Python 2 and 3 both read it)', () => {
    const b = writePickle(new Map([[1, [0.5]]]));
    expect(Array.from(b.slice(0, 2))).toEqual([0x80, 2]);
    expect(b[b.length - 1]).toBe(0x2e);
  });

  test('malformed input names the file and offset', () => {
    expect(() => readPickle(Uint8Array.from([0x80, 2, 0xff]), 'bad.pkl')).toThrow(/bad\.pkl: pickle byte 2: unsupported opcode 0xff/);
    expect(() => readPickle(Uint8Array.from([0x80, 2, 0x4a]), 'short.pkl')).toThrow(/short\.pkl/);
  });
});

describe('pickle: numpy 2 and older protocols (fixtures written by numpy 2.4)', () => {
  test.each([2, 4, 5])('float32 arrays under protocol %i', (protocol) => {
    const d = readPickle(fixture(`cls_numpy2_p${protocol}.pkl`)) as Map<number, Float32Array>;
    expect([...d.keys()]).toEqual([0, 7]);
    expect(Array.from(d.get(7)!)).toEqual([-1, 3.25]);
  });

  test('float32 and float64 scalars under protocol 2', () => {
    const d = readPickle(fixture('sts_numpy2_p2.pkl')) as Map<number, number>;
    expect(d.get(0)).toBe(0.625);
    expect(d.get(3)).toBe(0.125);
  });

  test('a big-endian float32 array is decoded in its own byte order', () => {
    const d = readPickle(fixture('big_endian_p2.pkl')) as Map<number, Float32Array>;
    expect(Array.from(d.get(0)!)).toEqual([1, 2]);
  });
});

describe('pickle: the reader runs nothing from the file', () => {
  const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

  test('regression: the truncated pickle \\x80\\x02cnumpy (GLOBAL with no newline) fails at once instead of scanning past the end', () => {
    const t0 = performance.now();
    const err = (() => {
      try {
        readPickle(bytes('\x80\x02cnumpy'), 'truncated.pkl');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PickleError);
    expect((err as PickleError).message).toBe('truncated.pkl: pickle byte 2: GLOBAL needs a newline-terminated name, but the file ends first');
    expect((err as PickleError).byte).toBe(2);
    expect(performance.now() - t0).toBeLessThan(100);
  });

  test('a global outside the allowlist is refused when named, before any REDUCE', () => {
    expect(() => readPickle(bytes('\x80\x02cos\nsystem\nX\x02\x00\x00\x00lsq\x00\x85R.'), 'evil.pkl')).toThrow(
      /evil\.pkl: pickle byte 2: refused global "os\.system"/,
    );
  });

  test('names are matched exactly: a suffix match of an allowed callable is refused', () => {
    expect(() => readPickle(bytes('\x80\x02cevil\nscalar\n.'), 'suffix.pkl')).toThrow(/refused global "evil\.scalar"/);
    expect(() => readPickle(bytes('\x80\x02cevil.numpy\ndtype\n.'), 'suffix.pkl')).toThrow(/refused global "evil\.numpy\.dtype"/);
  });

  test('numpy.ndarray may be named but not called', () => {
    expect(() => readPickle(bytes('\x80\x02cnumpy\nndarray\n)R.'), 'call.pkl')).toThrow(/numpy\.ndarray may only be named, not called/);
  });

  test('a length field claiming 2^60 bytes is refused before reading', () => {
    const huge = new Uint8Array([0x80, 4, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x2e]);
    expect(() => readPickle(huge, 'huge.pkl')).toThrow(/huge\.pkl: pickle byte 2: BINBYTES8 needs 1152921504606846976 bytes but the file ends 1 bytes later/);
  });

  test('internal objects (bytes, a dtype) are never returned as values', () => {
    expect(() => readPickle(bytes('\x80\x02C\x01a.'), 'b.pkl')).toThrow(/bytes cannot be the pickled value/);
    expect(() => readPickle(bytes('\x80\x02]C\x01aa.'), 'b.pkl')).toThrow(/bytes cannot be a list item/);
  });

  test('a list of 200,000 items reads back (no argument-spread limit)', () => {
    const long = Array.from({ length: 200_000 }, (_, i) => i);
    expect(readPickle(writePickle(long))).toEqual(long);
  });
});
