/**
 * A small seeded pseudo-random generator for the synthetic suite.
 *
 * Why not Math.random: the suite must be byte-identical for a given seed on
 * every platform, browser and Node version, so the generator is pure 32-bit
 * integer arithmetic (Math.imul and shifts) and the only floating-point
 * operations are exact ones (dividing a 32-bit integer by 2^32, adding a few
 * such numbers). No transcendental functions are used anywhere, because
 * Math.log/Math.cos may differ in the last bit between engines.
 * Kept apart from train/rng.ts: its splitmix stream is frozen by the suite's fingerprint and corpus hash.
 */

/** The 32-bit finaliser of MurmurHash3: a cheap bijective bit mixer. */
function mix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string, then mixed; stable everywhere. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/**
 * A stream of pseudo-random numbers: a Weyl sequence (state += golden-ratio
 * constant) passed through mix32, i.e. the 32-bit "splitmix" construction.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /**
   * An independent stream named by a key. Separate streams keep unrelated
   * draws apart: turning label noise off, say, must not change which
   * sentences are generated, so noise draws come from their own stream.
   */
  static stream(...key: readonly (string | number)[]): Rng {
    return new Rng(hashString(key.join('\u0001')));
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    return mix32(this.state);
  }

  /** Uniform in [0, 1): an exact multiple of 2^-32. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). The bias of flooring is below 2^-32 * n: negligible here. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int needs a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick on an empty array');
    return items[this.int(items.length)];
  }

  /** An element chosen with probability proportional to its weight. */
  pickWeighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.uniform() * total;
    for (const [item, w] of items) {
      if (r < w) return item;
      r -= w;
    }
    return items[items.length - 1][0];
  }

  /**
   * Approximately standard-normal: the Irwin–Hall sum of 12 uniforms minus 6
   * (mean 0, variance exactly 1, bounded to ±6). Used instead of Box–Muller
   * because it needs no log/cos, so it is bit-identical across engines.
   */
  approxNormal(): number {
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += this.uniform();
    return sum - 6;
  }
}
