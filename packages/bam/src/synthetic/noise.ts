/** Label noise: the gap between the generative rule and the "annotated" gold label. */
import type { SeededRng } from '@bamgpu/core';
import type { SyntheticTaskMetadata } from './types.js';

const roundTo2 = (x: number): number => Math.round(x * 100) / 100;

/** The noisy gold label for a clean one, drawing from `rng` (a stream used for nothing else). */
export function corruptLabel(clean: string | number, task: SyntheticTaskMetadata, rng: SeededRng): string | number {
  const noise = task.labelNoise;
  if (task.kind === 'classification') {
    if (noise.kind !== 'flip') throw new Error(`${task.name}: classification tasks use flip noise`);
    if (!rng.chance(noise.rate)) return clean;
    return rng.pick(task.labels.filter((l) => l !== clean));
  }
  if (noise.kind !== 'gaussian' || typeof clean !== 'number') throw new Error(`${task.name}: regression tasks use gaussian noise on numbers`);
  const [lo, hi] = task.range;
  return roundTo2(Math.min(hi, Math.max(lo, clean + noise.sigma * rng.approxNormal())));
}
