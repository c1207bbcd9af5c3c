import { dropout, type Generator, type Runtime, type Tensor } from '@bamgpu/core';

/** Where a model's weights live and which random stream initialises them and drives dropout. */
export interface BertBuildOptions {
  /** GPU runtime for the weights (default: the one from init()). */
  runtime?: Runtime;
  /** Random stream for weight init and dropout masks (default: core's global generator). */
  generator?: Generator;
}

/**
 * Dropout that, when inactive (eval mode or p = 0), is the identity and
 * returns `x` itself. Core's dropout() returns an untracked view in that
 * case, which would cut the gradient in eval-mode backward passes.
 */
export function applyDropout(x: Tensor, p: number, training: boolean, generator: Generator | undefined): Tensor {
  return training && p > 0 ? dropout(x, p, { training: true, generator }) : x;
}
