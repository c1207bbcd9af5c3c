import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readPickle, writePickle, type PickleValue } from '../src/io/pickle.js';

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
    expect(() => readPickle(Uint8Array.from([0x80, 2, 0xff]), 'bad.pkl')).toThrow(/bad\.pkl: pickle byte 3: unsupported opcode 0xff/);
    expect(() => readPickle(Uint8Array.from([0x80, 2, 0x4a]), 'short.pkl')).toThrow(/short\.pkl/);
  });
});
