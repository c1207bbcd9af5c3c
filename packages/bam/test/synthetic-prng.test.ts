import { describe, expect, it } from 'vitest';
import { SplitMix32 as Rng, hashString } from '@bamgpu/core';

describe('synthetic Rng', () => {
  it('produces a fixed sequence for a fixed seed (values checked against an independent Python splitmix32/FNV-1a)', () => {
    const rng = new Rng(0);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([2462723854, 1020716019, 454327756]);
    expect(hashString('synthetic')).toBe(4278477827);
  });

  it('keeps named streams independent and reproducible', () => {
    const a = Rng.stream('x', 1, 'train');
    const b = Rng.stream('x', 1, 'train');
    const c = Rng.stream('x', 1, 'dev');
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('draws uniforms in [0, 1), fair integers and a unit-variance approximate normal', () => {
    const rng = new Rng(42);
    const counts = [0, 0, 0, 0];
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      counts[rng.int(4)]++;
      const z = rng.approxNormal();
      sum += z;
      sumSq += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const c of counts) expect(Math.abs(c / n - 0.25)).toBeLessThan(0.01);
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.03);
  });

  it('picks by weight and rejects empty or invalid draws', () => {
    const rng = new Rng(7);
    let heavy = 0;
    for (let i = 0; i < 10000; i++) if (rng.pickWeighted([['a', 1], ['b', 3]] as const) === 'b') heavy++;
    expect(Math.abs(heavy / 10000 - 0.75)).toBeLessThan(0.02);
    expect(() => rng.pick([])).toThrow(RangeError);
    expect(() => rng.int(0)).toThrow(RangeError);
  });
});
