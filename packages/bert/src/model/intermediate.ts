import { Linear, Module, gelu, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import type { BertBuildOptions } from './options.js';

/** The feed-forward expansion: GELU(dense(x)), H → intermediate_size, exact erf GELU. */
export class BertIntermediate extends Module {
  dense: Linear;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.dense = new Linear(config.hiddenSize, config.intermediateSize, { runtime: options.runtime, generator: options.generator, initStd: config.initializerRange });
  }

  forward(x: Tensor): Tensor {
    return gelu(this.dense.forward(x));
  }
}
