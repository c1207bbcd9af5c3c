import { Linear, Module, narrow, reshape, tanh, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import type { BertBuildOptions } from './options.js';

/** tanh(dense(h[:, 0])): the [CLS] position's hidden state through a tanh layer. */
export class BertPooler extends Module {
  dense: Linear;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.dense = new Linear(config.hiddenSize, config.hiddenSize, { runtime: options.runtime, generator: options.generator, initStd: config.initializerRange });
  }

  /** [B, T, H] → [B, H]. */
  forward(hidden: Tensor): Tensor {
    const [b, , h] = hidden.shape;
    const first = reshape(narrow(hidden, 1, 0, 1), [b, h]);
    return tanh(this.dense.forward(first));
  }
}
