import { LayerNorm, Linear, Module, gelu, indexSelect, matmul, parameter, reshape, zeros, type Tensor } from '@bamgpu/core';
import { BertConfigError } from '../config.js';
import type { BertConfig } from '../config.js';
import type { BertBuildOptions } from './options.js';

/** LayerNorm(GELU(dense(h))): Hugging Face's BertPredictionHeadTransform. */
export class BertPredictionHeadTransform extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.dense = new Linear(config.hiddenSize, config.hiddenSize, { runtime: options.runtime, generator: options.generator, initStd: config.initializerRange });
    this.LayerNorm = new LayerNorm(config.hiddenSize, config.layerNormEps, { runtime: options.runtime });
  }

  forward(x: Tensor): Tensor {
    return this.LayerNorm.forward(gelu(this.dense.forward(x)));
  }
}

/**
 * The transform, then a decoder whose weight is the word-embedding table
 * (tied, as in BERT: `decoder` is a function so the table stays one
 * parameter, named where it lives, and its gradient sums both uses) plus
 * an own output bias `bias` [vocab].
 */
export class BertLMPredictionHead extends Module {
  transform: BertPredictionHeadTransform;
  bias: Tensor;
  private readonly decoderWeight: () => Tensor;

  constructor(config: BertConfig, decoderWeight: () => Tensor, options: BertBuildOptions = {}) {
    super();
    this.transform = new BertPredictionHeadTransform(config, options);
    this.bias = parameter(zeros([config.vocabSize], { runtime: options.runtime }));
    this.decoderWeight = decoderWeight;
  }

  /** [N, H] → [N, vocab]. */
  forward(hidden: Tensor): Tensor {
    const h = this.transform.forward(hidden);
    const logits = matmul(h, this.decoderWeight(), { transB: true, bias: this.bias });
    h.dispose();
    return logits;
  }
}

/**
 * Refuses a config whose decoder is not tied to the word table:
 * transformers keeps a separate decoder weight then, and these models cannot.
 */
export function checkTiedDecoder(config: BertConfig, kind: string): void {
  if (config.extra.tie_word_embeddings === false) {
    throw new BertConfigError(`${kind}: config.json has "tie_word_embeddings": false; only a decoder tied to the word-embedding table is supported`);
  }
}

/**
 * Masked-LM logits from final states [B, T, H]: for every position as
 * [B, T, vocab], or, given flat positions b·T + t, only those rows as
 * [M, vocab] (pre-training predicts 15% of tokens, so the rest skip the head).
 */
export function maskedLMLogits(head: BertLMPredictionHead, hidden: Tensor, positions: Tensor | undefined, vocabSize: number): Tensor {
  const [b, t, h] = hidden.shape;
  const flat = reshape(hidden, [b * t, h]);
  if (positions) return head.forward(indexSelect(flat, 0, positions));
  return reshape(head.forward(flat), [b, t, vocabSize]);
}

/** Hugging Face's BertOnlyMLMHead: parameters `predictions.…`. */
export class BertOnlyMLMHead extends Module {
  predictions: BertLMPredictionHead;

  constructor(config: BertConfig, decoderWeight: () => Tensor, options: BertBuildOptions = {}) {
    super();
    this.predictions = new BertLMPredictionHead(config, decoderWeight, options);
  }
}

/**
 * Hugging Face's BertPreTrainingHeads: the masked-LM head `predictions.…`
 * and the next-sentence head `seq_relationship` (a Linear H → 2 on the
 * pooled output: index 0 "B follows A", 1 "B is a random sentence").
 */
export class BertPreTrainingHeads extends Module {
  predictions: BertLMPredictionHead;
  seq_relationship: Linear;

  constructor(config: BertConfig, decoderWeight: () => Tensor, options: BertBuildOptions = {}) {
    super();
    this.predictions = new BertLMPredictionHead(config, decoderWeight, options);
    this.seq_relationship = new Linear(config.hiddenSize, 2, { runtime: options.runtime, generator: options.generator, initStd: config.initializerRange });
  }
}
