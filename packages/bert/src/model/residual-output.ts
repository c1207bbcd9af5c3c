import { LayerNorm, Linear, Module, add, type Generator, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import { applyDropout, type BertBuildOptions } from './options.js';

/**
 * LayerNorm(dropout(dense(x)) + residual): Hugging Face's BertSelfOutput
 * (after attention, input size H) and BertOutput (after the feed-forward
 * expansion, input size intermediate_size) are this same block.
 */
export class BertResidualOutput extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  private readonly dropoutProb: number;
  private readonly generator: Generator | undefined;

  constructor(config: BertConfig, inFeatures: number, options: BertBuildOptions = {}) {
    super();
    this.dense = new Linear(inFeatures, config.hiddenSize, { runtime: options.runtime, generator: options.generator, initStd: config.initializerRange });
    this.LayerNorm = new LayerNorm(config.hiddenSize, config.layerNormEps, { runtime: options.runtime });
    this.dropoutProb = config.hiddenDropoutProb;
    this.generator = options.generator;
  }

  forward(x: Tensor, residual: Tensor): Tensor {
    const projected = applyDropout(this.dense.forward(x), this.dropoutProb, this.training, this.generator);
    return this.LayerNorm.forward(add(projected, residual));
  }
}
