import { Module, scope, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import { checkedConfig } from './checked-config.js';
import { BertEmbeddings } from './embeddings.js';
import { BertEncoder } from './encoder.js';
import { validateInputs, type BertInputs } from './inputs.js';
import type { BertBuildOptions } from './options.js';
import { BertPooler } from './pooler.js';

export interface BertModelOutput {
  /** [B, T, H]: every position's final hidden state (padded positions included). */
  lastHiddenState: Tensor;
  /** [B, H]: tanh(dense(h[:, 0])). */
  pooledOutput: Tensor;
}

/**
 * The BERT encoder as Hugging Face's BertModel (absolute positions, eager
 * attention): parameters `embeddings.…`, `encoder.layer.<i>.…`, `pooler.dense.…`.
 * Task models hold it as `bert`, which gives the `bert.` prefix of their names.
 */
export class BertModel extends Module {
  embeddings: BertEmbeddings;
  encoder: BertEncoder;
  /** Absent in models built without one (Hugging Face's add_pooling_layer=False, as BertForMaskedLM). */
  pooler: BertPooler | null;
  readonly config: BertConfig;

  constructor(config: BertConfig, options: BertBuildOptions & { addPoolingLayer?: boolean } = {}) {
    super();
    const cfg = checkedConfig(config);
    this.embeddings = new BertEmbeddings(cfg, options);
    this.encoder = new BertEncoder(cfg, options);
    this.pooler = options.addPoolingLayer === false ? null : new BertPooler(cfg, options);
    this.config = cfg;
  }

  /**
   * Runs the encoder. Throws a BertInputError (before any GPU work) when ids
   * exceed the vocabulary, rows are longer than max_position_embeddings or
   * the tensors' shapes disagree. Temporaries are freed before it returns;
   * the caller owns (and disposes, or scopes) the outputs.
   */
  forward(inputs: BertInputs): BertModelOutput {
    const pooler = this.pooler;
    if (!pooler) throw new Error('BertModel.forward: this model has no pooler; use encode() for the hidden states');
    return scope(() => {
      const lastHiddenState = this.encode(inputs);
      return { lastHiddenState, pooledOutput: pooler.forward(lastHiddenState) };
    });
  }

  /** The final hidden states [B, T, H] alone (no pooler), with the same input checks as forward(). */
  encode(inputs: BertInputs): Tensor {
    validateInputs(this.config, inputs);
    return scope(() => {
      const embedded = this.embeddings.forward(inputs.inputIds, inputs.tokenTypeIds ?? null);
      return this.encoder.forward(embedded, inputs.attentionMask ?? null);
    });
  }
}
