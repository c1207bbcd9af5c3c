import { tensor, type Tensor } from '@bamgpu/core';
import type { Feature } from './features.js';

/** Model inputs for a list of features, padded to the longest (not to max length: shorter batches run faster). */
export interface BatchTensors {
  inputIds: Tensor;
  tokenTypeIds: Tensor;
  attentionMask: Tensor;
  dispose(): void;
}

export function makeBatch(features: readonly Pick<Feature, 'inputIds' | 'tokenTypeIds'>[], padId = 0): BatchTensors {
  const b = features.length;
  const t = Math.max(...features.map((f) => f.inputIds.length));
  const ids = new Int32Array(b * t).fill(padId);
  const types = new Int32Array(b * t);
  const mask = new Int32Array(b * t);
  features.forEach((f, r) => {
    ids.set(f.inputIds, r * t);
    types.set(f.tokenTypeIds, r * t);
    mask.fill(1, r * t, r * t + f.inputIds.length);
  });
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
