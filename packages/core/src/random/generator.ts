/**
 * The engine's counter-based RNG, in JS: Philox4x32-10 (Salmon et al., SC 2011),
 * the generator cuRAND and PyTorch's CUDA backend use, with Random123's known
 * answers as its test. The same functions exist in WGSL (kernels/wgsl.ts); tests
 * use these to predict GPU draws exactly, and the generator hands out per-call keys.
 * Apart from the CPU streams (streams.ts): this one is fixed by its WGSL twin.
 */

/** The high 32 bits of a 32×32-bit product, from 16-bit halves (as the WGSL twin computes it). */
function mulhi32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** Philox4x32 with 10 rounds: four 32-bit words of counter, two of key, to four words of output. */
export function philox4x32(ctr: readonly [number, number, number, number], key: readonly [number, number]): [number, number, number, number] {
  let [c0, c1, c2, c3] = ctr.map((x) => x >>> 0);
  let [k0, k1] = key.map((x) => x >>> 0);
  for (let r = 0; r < 10; r++) {
    const h0 = mulhi32(0xd2511f53, c0);
    const h1 = mulhi32(0xcd9e8d57, c2);
    const l0 = Math.imul(0xd2511f53, c0) >>> 0;
    const l1 = Math.imul(0xcd9e8d57, c2) >>> 0;
    [c0, c1, c2, c3] = [(h1 ^ c1 ^ k0) >>> 0, l1, (h0 ^ c3 ^ k1) >>> 0, l0];
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/**
 * Element `ctr` of the call with key (k0, k1): lane ctr % 4 of the block at
 * counter (ctr / 4, 0, k1, 0) under key (k0, 0). Distinct (call, element)
 * pairs are distinct counters, so no two draws of one generator share a block lane.
 */
export function rngU32(k0: number, k1: number, ctr: number): number {
  return philox4x32([ctr >>> 2, 0, k1, 0], [k0, 0])[ctr & 3];
}

export function rngU01(k0: number, k1: number, ctr: number): number {
  return (rngU32(k0, k1, ctr) >>> 8) * 5.9604644775390625e-8;
}

/** What a checkpoint keeps of a generator: resuming from it draws what the uninterrupted run drew. */
export interface GeneratorState {
  seed: number;
  calls: number;
  algorithm: string;
}

/**
 * A seeded stream of per-call keys. Each GPU random op takes the next key
 * (the seed, and the call's number) and indexes elements by counter, so its
 * state is just (seed, calls): cheap to checkpoint and exact to resume.
 */
export class Generator {
  /** Names the draws: part of every checkpoint key and cache hash, so draws of another generator never mix in. */
  static readonly algorithm = 'philox4x32-10';

  constructor(
    public seed: number,
    public calls = 0,
  ) {}

  nextKey(): [number, number] {
    return [this.seed >>> 0, this.calls++ >>> 0];
  }

  state(): GeneratorState {
    return { seed: this.seed, calls: this.calls, algorithm: Generator.algorithm };
  }

  setState(s: Pick<GeneratorState, 'seed' | 'calls'>): void {
    this.seed = s.seed >>> 0;
    this.calls = s.calls;
  }
}

let globalGenerator = new Generator(0x5eed);

/** The default generator used by rand/randn/dropout when none is given. */
export function defaultGenerator(): Generator {
  return globalGenerator;
}

/** Seeds the default generator (like torch.manual_seed). */
export function manualSeed(seed: number): void {
  globalGenerator = new Generator(seed >>> 0);
}
