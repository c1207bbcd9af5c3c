import { tensor, type Tensor } from '@bamgpu/core';
import type { Feature } from './features.js';

/** Model inputs for a list of features, padded to the longest (not to max length: shorter batches run faster). */
export interface BatchTensors {
  inputIds: Tensor;
  tokenTypeIds: Tensor;
  attentionMask: Tensor;
  dispose(): void;
}

/** Token rows padded into flat [rows × length] arrays: ids (padId after each row), token types, and a 1/0 attention mask. */
export interface PaddedRows {
  ids: Int32Array;
  types: Int32Array;
  mask: Int32Array;
  /** Row length: the longest row unless given. */
  length: number;
}

/**
 * Pads `features` to `length` (default: the longest), on the CPU, so that
 * callers that keep the arrays (the web example's teacher passes) and
 * makeBatch's tensors share one layout.
 */
export function padFeatures(features: readonly Pick<Feature, 'inputIds' | 'tokenTypeIds'>[], padId = 0, length = Math.max(...features.map((f) => f.inputIds.length))): PaddedRows {
  const b = features.length;
  const t = length;
  const ids = new Int32Array(b * t).fill(padId);
  const types = new Int32Array(b * t);
  const mask = new Int32Array(b * t);
  features.forEach((f, r) => {
    if (f.inputIds.length > t) throw new RangeError(`padFeatures: row ${r} has ${f.inputIds.length} tokens, more than the length ${t}`);
    ids.set(f.inputIds, r * t);
    types.set(f.tokenTypeIds, r * t);
    mask.fill(1, r * t, r * t + f.inputIds.length);
  });
  return { ids, types, mask, length: t };
}

export function makeBatch(features: readonly Pick<Feature, 'inputIds' | 'tokenTypeIds'>[], padId = 0): BatchTensors {
  const b = features.length;
  const { ids, types, mask, length: t } = padFeatures(features, padId);
  const inputIds = tensor(ids, [b, t]);
  const tokenTypeIds = tensor(types, [b, t]);
  const attentionMask = tensor(mask, [b, t]);
  return {
    inputIds,
    tokenTypeIds,
    attentionMask,
    dispose() {
      inputIds.dispose();
      tokenTypeIds.dispose();
      attentionMask.dispose();
    },
  };
}
