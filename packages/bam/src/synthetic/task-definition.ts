/** What each task module provides to the suite generator (internal). */
import type { SeededRng } from '@bamgpu/core';
import type { SplitName, SyntheticTaskMetadata } from './types.js';

/** One clean (noise-free) generated example. */
export interface GeneratedItem {
  readonly textA: string;
  readonly textB?: string;
  readonly label: string | number;
}

export type TaskDefinition = SyntheticTaskMetadata & {
  /** Split sizes at scale 1. */
  readonly sizes: Readonly<Record<SplitName, number>>;
  /** Draws one example with its noise-free label. */
  generate(rng: SeededRng): GeneratedItem;
};

/** The flip rate shared by all classification tasks; see docs/synthetic-glue.md for why 10%. */
export const CLASSIFICATION_FLIP_RATE = 0.1;
/** The standard deviation of the error added to similarity scores (0–5 scale). */
export const SIMILARITY_NOISE_SIGMA = 0.5;
