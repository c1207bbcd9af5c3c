/**
 * The trainer's CPU-side randomness (data order, task sampling): a small
 * seeded generator whose whole state is one integer, so checkpoints can
 * store it and a resumed run draws exactly what the uninterrupted one would.
 * Kept apart from synthetic/prng.ts: its mulberry32 stream fixes every run's data order and saved checkpoints' state.
 */
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}

/** Mixes a seed with stream labels into an independent seed (for per-task, per-epoch orders). */
export function deriveSeed(seed: number, ...labels: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const l of labels) {
    h = Math.imul(h ^ (l >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}
