/**
 * The engine's counter-based RNG, in JS. The same functions exist in WGSL
 * (kernels/wgsl.ts); tests use these to predict dropout masks exactly, and
 * the generator uses them to derive per-call keys.
 * Apart from the CPU streams (streams.ts): this one is fixed by the WGSL twin (dropout masks).
 */
export function pcgHash(v: number): number {
  const s = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const w = Math.imul(((s >>> ((s >>> 28) + 4)) ^ s) >>> 0, 277803737) >>> 0;
  return ((w >>> 22) ^ w) >>> 0;
}

export function rngU32(k0: number, k1: number, ctr: number): number {
  return pcgHash((pcgHash((ctr ^ k0) >>> 0) + k1) >>> 0);
}

export function rngU01(k0: number, k1: number, ctr: number): number {
  return (rngU32(k0, k1, ctr) >>> 8) * 5.9604644775390625e-8;
}

/**
 * A seeded stream of per-call keys. Each GPU random op takes the next key and
 * indexes elements by counter, so its state is just (seed, calls) — cheap to
 * checkpoint and exact to resume.
 */
export class Generator {
  constructor(
    public seed: number,
    public calls = 0,
  ) {}

  nextKey(): [number, number] {
    const c = this.calls++;
    const k0 = pcgHash((this.seed ^ pcgHash(c)) >>> 0);
    const k1 = pcgHash((k0 + 0x9e3779b9 + pcgHash((c + 0x85ebca6b) >>> 0)) >>> 0);
    return [k0, k1];
  }

  state(): { seed: number; calls: number } {
    return { seed: this.seed, calls: this.calls };
  }

  setState(s: { seed: number; calls: number }): void {
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
