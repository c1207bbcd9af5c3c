/**
 * Seeded CPU random streams: one interface (SeededRng), two step algorithms.
 * Pure 32-bit integer arithmetic and exact float operations only (an integer
 * over 2^32, sums of a few), so every engine and platform draws the same bits.
 *
 * Two algorithms, not one, because saved outputs freeze each stream:
 * - Mulberry32: bam's trainer and pre-trainer (data order, task sampling,
 *   masking) and the op tests' inputs. Its state is one integer that
 *   checkpoints store, and resumed runs must draw what uninterrupted ones did.
 * - SplitMix32: bam's synthetic suite, whose fingerprints and corpus hash are frozen.
 * The GPU's counter-based RNG (hash.ts, Philox) is a third, fixed by its WGSL twin.
 */

/** The 32-bit finaliser of MurmurHash3: a cheap bijective bit mixer. */
export function mix32(x: number): number {
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

/** Mixes a seed with stream labels into an independent seed (per-task, per-epoch orders). */
export function deriveSeed(seed: number, ...labels: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const l of labels) {
    h = Math.imul(h ^ (l >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** What every stream draws, from its algorithm's next 32-bit word. */
export abstract class SeededRng {
  /** The whole state: saving it and constructing from it resumes the stream. */
  state: number;

  constructor(state: number) {
    this.state = state;
  }

  /** Next 32-bit unsigned integer. */
  abstract nextUint32(): number;

  /** Uniform in [0, 1): an exact multiple of 2^-32. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). The bias of flooring is below 2^-32 · n. */
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

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }

  /**
   * Approximately standard-normal: the Irwin–Hall sum of 12 uniforms minus 6
   * (mean 0, variance exactly 1, bounded to ±6); needs no log/cos, so it is
   * bit-identical across engines.
   */
  approxNormal(): number {
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += this.uniform();
    return sum - 6;
  }
}

/** mulberry32: state += 0x6d2b79f5, then a xorshift-multiply output mix. */
export class Mulberry32 extends SeededRng {
  constructor(seed: number) {
    super(seed >>> 0);
  }

  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

/** 32-bit splitmix: a Weyl sequence (state += golden-ratio constant) through mix32. */
export class SplitMix32 extends SeededRng {
  constructor(seed: number) {
    super(seed | 0);
  }

  /** An independent stream named by a key, so unrelated draws (say, label noise) never shift each other. */
  static stream(...key: readonly (string | number)[]): SplitMix32 {
    return new SplitMix32(hashString(key.join('\u0001')));
  }

  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    return mix32(this.state);
  }
}
