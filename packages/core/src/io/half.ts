/**
 * IEEE 754 binary16 ("F16") and bfloat16 ("BF16") conversions.
 *
 * Both directions work on raw 16-bit patterns held in plain numbers (or a
 * Uint16Array), because that is how the formats sit in a file and in a GPU
 * buffer. Narrowing rounds to nearest, ties to even, like hardware and like
 * PyTorch's `.half()` / `.bfloat16()`, so a checkpoint converted here has the
 * same bits as one converted by the reference tools.
 */

// One shared scratch word: reinterpreting float32 bits through a typed array
// is the only bit-exact way to get at them in JavaScript.
const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

function float32Bits(x: number): number {
  scratchF32[0] = x; // rounds a float64 to float32 (ties to even) first
  return scratchU32[0];
}

/**
 * Rounds `x` to float32 and then to the nearest binary16, ties to even.
 * Overflow gives ±Infinity, underflow gives subnormals or ±0, NaN stays NaN
 * (quiet, with the top payload bits kept).
 * Note: the input is taken as a float32; a float64 that is not a float32 is
 * rounded twice, which can differ from a direct float64→binary16 rounding in
 * the last bit for values lying very close to a binary16 midpoint.
 */
export function float32ToFloat16(x: number): number {
  const b = float32Bits(x);
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;

  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);

  const halfExp = exp - 127 + 15;
  if (halfExp >= 0x1f) return sign | 0x7c00;

  if (halfExp <= 0) {
    // Result is a binary16 subnormal (or zero): value / 2^-24, rounded.
    // With the implicit bit, value = m · 2^(exp-150), so the count of
    // 2^-24 units is m · 2^(exp-126) = m >> (126 - exp).
    const shift = 126 - exp;
    // m < 2^24, so from a shift of 25 on the quotient is below 1/2: zero.
    if (shift > 24) return sign;
    // shift ≤ 24 means exp ≥ 102: x is a float32 normal with an implicit 1.
    return sign | roundShiftRightEven(mant | 0x800000, shift);
  }

  // Normal: keep 10 of the 23 mantissa bits. A carry out of the mantissa
  // correctly bumps the exponent, and from the largest finite value into
  // 0x7c00 (infinity), which is what round-to-nearest-even prescribes.
  const q = (halfExp << 10) | (mant >>> 13);
  return sign | roundWithRemainder(q, mant & 0x1fff, 0x1000);
}

/** Exact value of a binary16 bit pattern (every binary16 is a float32). */
export function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** Exact value of a bfloat16 bit pattern: the top half of a float32. */
export function bfloat16ToFloat32(h: number): number {
  scratchU32[0] = (h & 0xffff) << 16;
  return scratchF32[0];
}

/**
 * Rounds `x` to float32 and then to the nearest bfloat16, ties to even.
 * NaN stays NaN (quiet bit set so truncation cannot turn it into Infinity).
 */
export function float32ToBfloat16(x: number): number {
  const b = float32Bits(x);
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return (b >>> 16) | 0x40;
  return roundWithRemainder(b >>> 16, b & 0xffff, 0x8000) & 0xffff;
}

/** q rounded up by one unit when remainder > half, or == half and q is odd. */
function roundWithRemainder(q: number, remainder: number, half: number): number {
  return remainder > half || (remainder === half && (q & 1) === 1) ? q + 1 : q;
}

function roundShiftRightEven(m: number, shift: number): number {
  const q = m >>> shift;
  const remainder = m - q * 2 ** shift;
  return roundWithRemainder(q, remainder, 2 ** (shift - 1));
}

/** Widens binary16 bit patterns to float32 values. */
export function float16BitsToFloat32Array(bits: Uint16Array): Float32Array<ArrayBuffer> {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16ToFloat32(bits[i]);
  return out;
}

/** Widens bfloat16 bit patterns to float32 values (a shift into the high half). */
export function bfloat16BitsToFloat32Array(bits: Uint16Array): Float32Array<ArrayBuffer> {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] << 16;
  return out;
}

/** Narrows float32 values to binary16 bit patterns (round to nearest even). */
export function float32ArrayToFloat16Bits(values: Float32Array): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16(values[i]);
  return out;
}

/** Narrows float32 values to bfloat16 bit patterns (round to nearest even). */
export function float32ArrayToBfloat16Bits(values: Float32Array): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToBfloat16(values[i]);
  return out;
}
