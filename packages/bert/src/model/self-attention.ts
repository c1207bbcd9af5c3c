import { Linear, Module, attention, permute, reshape, type Generator, type Tensor } from '@bamgpu/core';
import { headDim, type BertConfig } from '../config.js';
import type { BertBuildOptions } from './options.js';

/**
 * Multi-head self-attention: Q, K, V projections split into heads
 * [B, heads, T, head_dim], softmax(QKᵀ/√d + mask)·V with dropout on the
 * probabilities, heads merged back to [B, T, H].
 */
export class BertSelfAttention extends Module {
  query: Linear;
  key: Linear;
  value: Linear;
  private readonly heads: number;
  private readonly headDim: number;
  private readonly dropoutProb: number;
  private readonly generator: Generator | undefined;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    const h = config.hiddenSize;
    const layer = { runtime: options.runtime, generator: options.generator, initStd: config.initializerRange };
    this.query = new Linear(h, h, layer);
    this.key = new Linear(h, h, layer);
    this.value = new Linear(h, h, layer);
    this.heads = config.numAttentionHeads;
    this.headDim = headDim(config);
    this.dropoutProb = config.attentionProbsDropoutProb;
    this.generator = options.generator;
  }

  /** hidden [B, T, H], key mask [B, T] (or null: attend everywhere) → context [B, T, H]. */
  forward(hidden: Tensor, keyMask: Tensor | null): Tensor {
    const [b, t, h] = hidden.shape;
    const split = (x: Tensor) => permute(reshape(x, [b, t, this.heads, this.headDim]), [0, 2, 1, 3]);
    const ctx = attention(split(this.query.forward(hidden)), split(this.key.forward(hidden)), split(this.value.forward(hidden)), {
      keyMask: keyMask ?? undefined,
      dropout: this.dropoutProb,
      training: this.training,
      generator: this.generator,
    });
    return reshape(permute(ctx, [0, 2, 1, 3]), [b, t, h]);
  }
}
