import { Tensor, knownIntRange } from '@bamgpu/core';
import type { BertConfig } from '../config.js';

/** Input to a BERT forward pass that does not fit the model (ids, shapes, lengths). */
export class BertInputError extends Error {
  override name = 'BertInputError';
}

/** One batch, all [B, T]. */
export interface BertInputs {
  /** int32 token ids, each in [0, vocab_size). */
  inputIds: Tensor;
  /** int32 segment ids in [0, type_vocab_size); default all 0. */
  tokenTypeIds?: Tensor | null;
  /** 1 = real token, 0 = padding (int32 or float32); default all 1. Only keys are masked, as in Hugging Face. */
  attentionMask?: Tensor | null;
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Value range check on ids whose range core recorded when they were uploaded
 * from CPU data (tensor(Int32Array …)). Ids computed on the GPU have no
 * recorded range and are not checked here: reading them back would stall
 * every forward pass.
 */
function checkRange(name: string, t: Tensor, limit: number, limitName: string): void {
  const range = knownIntRange.get(t);
  if (!range) return;
  const [lo, hi] = range;
  if (lo < 0) throw new BertInputError(`${name} contains ${lo}; ids must be ≥ 0`);
  if (hi >= limit) throw new BertInputError(`${name} contains id ${hi}, but ${limitName} is ${limit} (valid ids 0..${limit - 1})`);
}

function checkCompanion(name: string, t: Tensor, ids: Tensor, dtypes: readonly string[]): void {
  if (!(t instanceof Tensor)) throw new BertInputError(`${name} must be a Tensor, got ${typeof t}`);
  if (!dtypes.includes(t.dtype)) throw new BertInputError(`${name} must be ${dtypes.join(' or ')}, got ${t.dtype}`);
  if (t.rank !== 2 || t.shape[0] !== ids.shape[0] || t.shape[1] !== ids.shape[1]) {
    throw new BertInputError(`${name} has shape ${fmt(t.shape)} but input_ids has shape ${fmt(ids.shape)}; they must match`);
  }
}

/** Throws a BertInputError naming the tensor and the limit when a batch does not fit `config`. */
export function validateInputs(config: BertConfig, inputs: BertInputs): void {
  const ids = inputs.inputIds;
  if (!(ids instanceof Tensor)) throw new BertInputError(`input_ids must be a Tensor, got ${typeof ids}`);
  if (ids.dtype !== 'int32') throw new BertInputError(`input_ids must be int32, got ${ids.dtype}`);
  if (ids.rank !== 2) throw new BertInputError(`input_ids must be [batch, seq_len], got shape ${fmt(ids.shape)}`);
  const [b, t] = ids.shape;
  if (b === 0 || t === 0) throw new BertInputError(`input_ids is empty (shape ${fmt(ids.shape)})`);
  if (t > config.maxPositionEmbeddings) {
    throw new BertInputError(`input_ids has ${t} tokens per row, more than max_position_embeddings = ${config.maxPositionEmbeddings}`);
  }
  checkRange('input_ids', ids, config.vocabSize, 'vocab_size');
  if (inputs.tokenTypeIds) {
    checkCompanion('token_type_ids', inputs.tokenTypeIds, ids, ['int32']);
    checkRange('token_type_ids', inputs.tokenTypeIds, config.typeVocabSize, 'type_vocab_size');
  }
  if (inputs.attentionMask) {
    checkCompanion('attention_mask', inputs.attentionMask, ids, ['int32', 'float32']);
    const range = knownIntRange.get(inputs.attentionMask);
    if (range && (range[0] < 0 || range[1] > 1)) {
      throw new BertInputError(`attention_mask must hold 0 (padding) and 1 (token), found values in [${range[0]}, ${range[1]}]`);
    }
  }
}
