import { Module, scope, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import { BertAttention } from './attention.js';
import { BertIntermediate } from './intermediate.js';
import type { BertBuildOptions } from './options.js';
import { BertResidualOutput } from './residual-output.js';

/** One transformer block: attention, then the GELU feed-forward, each with residual + LayerNorm. */
export class BertLayer extends Module {
  attention: BertAttention;
  intermediate: BertIntermediate;
  output: BertResidualOutput;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.attention = new BertAttention(config, options);
    this.intermediate = new BertIntermediate(config, options);
    this.output = new BertResidualOutput(config, config.intermediateSize, options);
  }

  forward(hidden: Tensor, keyMask: Tensor | null): Tensor {
    // A scope per layer frees the layer's temporaries as soon as it is done;
    // what backward needs stays alive through the tape's own references.
    return scope(() => {
      const attended = this.attention.forward(hidden, keyMask);
      return this.output.forward(this.intermediate.forward(attended), attended);
    });
  }
}
