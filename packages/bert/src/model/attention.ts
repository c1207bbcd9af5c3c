import { Module, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import type { BertBuildOptions } from './options.js';
import { BertResidualOutput } from './residual-output.js';
import { BertSelfAttention } from './self-attention.js';

/** Self-attention followed by its output projection, residual and LayerNorm. */
export class BertAttention extends Module {
  // `self` and `output` are Hugging Face's names (attention.self.query, attention.output.dense).
  self: BertSelfAttention;
  output: BertResidualOutput;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.self = new BertSelfAttention(config, options);
    this.output = new BertResidualOutput(config, config.hiddenSize, options);
  }

  forward(hidden: Tensor, keyMask: Tensor | null): Tensor {
    return this.output.forward(this.self.forward(hidden, keyMask), hidden);
  }
}
