import { Embedding, LayerNorm, Module, add, narrow, zeros, type Generator, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import { applyDropout, type BertBuildOptions } from './options.js';

/**
 * Word + position (0..T-1) + token type embeddings, then LayerNorm and
 * dropout. Weights start as BERT initialises them: N(0, initializer_range),
 * with the pad token's row zeroed; LayerNorm 1 and 0.
 */
export class BertEmbeddings extends Module {
  // Property names are Hugging Face's, so parameter names match checkpoints.
  word_embeddings: Embedding;
  position_embeddings: Embedding;
  token_type_embeddings: Embedding;
  LayerNorm: LayerNorm;
  private readonly dropoutProb: number;
  private readonly generator: Generator | undefined;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    const layer = { runtime: options.runtime, generator: options.generator, initStd: config.initializerRange };
    const h = config.hiddenSize;
    this.word_embeddings = new Embedding(config.vocabSize, h, { ...layer, paddingIdx: config.padTokenId ?? undefined });
    this.position_embeddings = new Embedding(config.maxPositionEmbeddings, h, layer);
    this.token_type_embeddings = new Embedding(config.typeVocabSize, h, layer);
    this.LayerNorm = new LayerNorm(h, config.layerNormEps, { runtime: options.runtime });
    this.dropoutProb = config.hiddenDropoutProb;
    this.generator = options.generator;
    if (config.padTokenId !== null) zeroRow(this.word_embeddings.weight, config.padTokenId);
  }

  /** ids and token types int32 [B, T] (types default to 0) → [B, T, H]. */
  forward(inputIds: Tensor, tokenTypeIds: Tensor | null): Tensor {
    const [b, t] = inputIds.shape;
    const types = tokenTypeIds ?? zeros([b, t], { dtype: 'int32', runtime: inputIds.runtime });
    const words = this.word_embeddings.forward(inputIds);
    const segments = this.token_type_embeddings.forward(types);
    // Position t's vector is row t of the table: a slice, broadcast over the batch.
    const positions = narrow(this.position_embeddings.weight, 0, 0, t);
    const sum = add(add(words, segments), positions);
    return applyDropout(this.LayerNorm.forward(sum), this.dropoutProb, this.training, this.generator);
  }
}

/** Zeroes one row of a [rows, cols] float32 table in place (Hugging Face zeroes the padding row at init). */
function zeroRow(table: Tensor, row: number): void {
  const cols = table.shape[1];
  const range = table.binding();
  table.runtime.upload({ buffer: range.buffer, offset: range.offset + row * cols * 4, size: cols * 4 }, new Float32Array(cols));
}
