import { describe, expect, test } from 'vitest';
import {
  bfloat16BitsToFloat32Array,
  bfloat16ToFloat32,
  float16BitsToFloat32Array,
  float16ToFloat32,
  float32ArrayToBfloat16Bits,
  float32ArrayToFloat16Bits,
  float32ToBfloat16,
  float32ToFloat16,
} from '../src/io/half.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The float32 whose bit pattern is `bits`. */
function fromBits(bits: number): number {
  u32[0] = bits;
  return f32[0];
}
function bitsOf(x: number): number {
  f32[0] = x;
  return u32[0];
}

describe('binary16', () => {
  test.each([
    [0x3c00, 1],
    [0xc000, -2],
    [0x7bff, 65504],
    [0xfbff, -65504],
    [0x0001, 2 ** -24], // smallest subnormal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0400, 2 ** -14], // smallest normal
    [0x3555, 0.333251953125],
    [0x3c01, 1 + 2 ** -10],
    [0x0000, 0],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('0x%s decodes to %d and encodes back', (bits, value) => {
    expect(float16ToFloat32(bits)).toBe(value);
    expect(float32ToFloat16(value)).toBe(bits);
  });

  test('signed zero and NaN', () => {
    expect(Object.is(float16ToFloat32(0x8000), -0)).toBe(true);
    expect(float32ToFloat16(-0)).toBe(0x8000);
    expect(float16ToFloat32(0x7e00)).toBeNaN();
    expect(float16ToFloat32(0xfc01)).toBeNaN();
    const nan = float32ToFloat16(NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
    // A float32 NaN whose payload sits only in the low 13 bits must not become Infinity.
    expect(float32ToFloat16(fromBits(0x7f800001)) & 0x3ff).not.toBe(0);
  });

  test('rounds to nearest, ties to even, by hand-computed cases', () => {
    expect(float32ToFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie, 0x3c00 is even
    expect(float32ToFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, up to even
    expect(float32ToFloat16(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(float32ToFloat16(65519)).toBe(0x7bff);
    expect(float32ToFloat16(65520)).toBe(0x7c00); // tie between 65504 and "65536": even is Infinity
    expect(float32ToFloat16(1e6)).toBe(0x7c00);
    expect(float32ToFloat16(-1e6)).toBe(0xfc00);
    expect(float32ToFloat16(2 ** -25)).toBe(0x0000); // tie between 0 and the smallest subnormal
    expect(float32ToFloat16(1.5 * 2 ** -25)).toBe(0x0001);
    expect(float32ToFloat16(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 units
    expect(float32ToFloat16(1023.5 * 2 ** -24)).toBe(0x0400); // subnormal rounds up into the normals
    expect(float32ToFloat16(2 ** -26)).toBe(0x0000);
    expect(float32ToFloat16(-(2 ** -30))).toBe(0x8000);
    expect(float32ToFloat16(fromBits(0x00000001))).toBe(0x0000); // float32 subnormal
  });

  test('every bit pattern survives decode then encode', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = float16ToFloat32(h);
      if (Number.isNaN(v)) {
        expect((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0).toBe(true);
        expect(Number.isNaN(float16ToFloat32(float32ToFloat16(v)))).toBe(true);
      } else if (float32ToFloat16(v) !== h) {
        expect.fail(`0x${h.toString(16)} → ${v} → 0x${float32ToFloat16(v).toString(16)}`);
      }
    }
  });

  test('midpoints of neighbours round to the even one, and their float32 neighbours to the nearer', () => {
    for (const sign of [0, 0x8000]) {
      for (let h = 0; h < 0x7bff; h++) {
        const lo = float16ToFloat32(sign | h);
        const hi = float16ToFloat32(sign | (h + 1));
        const mid = (lo + hi) / 2; // 12 significant bits at most: exact in float32
        expect(Math.fround(mid)).toBe(mid);
        const even = (h & 1) === 0 ? h : h + 1;
        const got = float32ToFloat16(mid);
        if (got !== (sign | even)) expect.fail(`midpoint ${mid} → 0x${got.toString(16)}`);
        // One float32 ulp towards each neighbour breaks the tie.
        const toLo = fromBits(bitsOf(mid) - 1);
        const toHi = fromBits(bitsOf(mid) + 1);
        const [nearLo, nearHi] = Math.abs(toLo) < Math.abs(mid) ? [toLo, toHi] : [toHi, toLo];
        if (float32ToFloat16(nearLo) !== (sign | h) || float32ToFloat16(nearHi) !== (sign | (h + 1))) {
          expect.fail(`neighbours of midpoint ${mid} between 0x${h.toString(16)} and its successor`);
        }
      }
    }
  });

  test('array helpers match the scalar ones', () => {
    const bits = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7c00]);
    expect(Array.from(float16BitsToFloat32Array(bits))).toEqual([1, -2, 2 ** -24, Infinity]);
    expect(Array.from(float32ArrayToFloat16Bits(new Float32Array([1, -2, 2 ** -24, 70000])))).toEqual([
      0x3c00, 0xc000, 0x0001, 0x7c00,
    ]);
  });
});

describe('bfloat16', () => {
  test.each([
    [0x3f80, 1],
    [0xc000, -2],
    [0x4049, 3.140625],
    [0x7f7f, (2 - 2 ** -7) * 2 ** 127], // largest finite
    [0x0080, 2 ** -126], // smallest normal
    [0x0001, 2 ** -133], // smallest subnormal
    [0x7f80, Infinity],
    [0xff80, -Infinity],
    [0x0000, 0],
  ])('0x%s decodes to %d and encodes back', (bits, value) => {
    expect(bfloat16ToFloat32(bits)).toBe(value);
    expect(float32ToBfloat16(value)).toBe(bits);
  });

  test('rounds to nearest, ties to even', () => {
    expect(float32ToBfloat16(1 + 2 ** -8)).toBe(0x3f80); // tie, even is down
    expect(float32ToBfloat16(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie, even is up
    expect(float32ToBfloat16(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(float32ToBfloat16(-(1 + 2 ** -8 + 2 ** -20))).toBe(0xbf81);
    expect(float32ToBfloat16(3.4028234663852886e38)).toBe(0x7f80); // float32 max overflows
    expect(float32ToBfloat16(-0)).toBe(0x8000);
  });

  test('NaN stays NaN, even when its payload is only in the low half', () => {
    expect(bfloat16ToFloat32(0x7fc0)).toBeNaN();
    for (const bits of [0x7fc00000, 0x7f800001, 0xff800001]) {
      expect(bfloat16ToFloat32(float32ToBfloat16(fromBits(bits)))).toBeNaN();
    }
  });

  test('every bit pattern survives decode then encode; midpoints round to even', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = bfloat16ToFloat32(h);
      if (Number.isNaN(v)) continue;
      if (float32ToBfloat16(v) !== h) expect.fail(`0x${h.toString(16)} does not round-trip`);
      // The float32 halfway to the next pattern (same sign, finite): low half 0x8000.
      if ((h & 0x7fff) < 0x7f7f) {
        const mid = fromBits(((h << 16) | 0x8000) >>> 0);
        const even = (h & 1) === 0 ? h : h + 1;
        if (float32ToBfloat16(mid) !== even) expect.fail(`midpoint above 0x${h.toString(16)}`);
      }
    }
  });

  test('array helpers match the scalar ones', () => {
    const values = new Float32Array([1, -2, 3.14159, 1e-40]);
    const bits = float32ArrayToBfloat16Bits(values);
    expect(Array.from(bits)).toEqual(Array.from(values, float32ToBfloat16));
    expect(Array.from(bfloat16BitsToFloat32Array(bits))).toEqual(Array.from(bits, bfloat16ToFloat32));
  });
});
