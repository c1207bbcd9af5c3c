import { tensor, type Tensor } from '@bamgpu/core';
import { makeBatch } from '../train/batch.js';
import type { Mulberry32 } from '@bamgpu/core';
import { frame, type TokenizedDocuments } from './documents.js';
import { maskRows, type MaskedRows, type MaskingOptions } from './masking.js';
import { tokenMatchTargets, type TokenMatchTargets } from './token-match.js';

export interface BatchOptions {
  masking: MaskingOptions;
  padId: number;
  clsId: number;
  sepId: number;
  maxLength: number;
  /**
   * BERT's next-sentence task: each two-segment document keeps its second
   * segment (label 0) or, with probability 1/2, gets another document's
   * (label 1). One-segment documents take no part (label -100).
   */
  nextSentence: boolean;
  /** Also the token-match targets (token-match.ts) of the two-segment rows. */
  tokenMatch: boolean;
}

/** One pre-training batch on the GPU. */
export interface PretrainBatch {
  inputs: { inputIds: Tensor; tokenTypeIds: Tensor; attentionMask: Tensor };
  /** Flat positions b·T + t of the tokens to predict, and their original ids. */
  positions: Tensor;
  labels: Tensor;
  /** int32 [B] next-sentence labels (0, 1, -100), or null when no row takes part. */
  nextSentenceLabels: Tensor | null;
  /** Token-match positions (flat, as `positions`) and answers, or null when no token is scored. */
  tokenMatch: { positions: Tensor; labels: Tensor } | null;
  predicted: number;
  pairs: number;
  /** Tokens the token-match task scores, and how many of them are absent from the other segment (answer 1). */
  matched: number;
  absent: number;
  /** Tokens in the batch, padding excluded. */
  tokens: number;
  dispose(): void;
}

/** A batch's rows as drawn, before upload: framed, masked, with their next-sentence labels and token-match answers. */
export interface PretrainRows {
  /** The rows as framed (before masking); `masked.inputIds` are what the model reads. */
  framed: { inputIds: number[]; tokenTypeIds: number[] }[];
  /** Next-sentence label per row: 0, 1, or -100 (no part). */
  nsp: number[];
  /** The padded length: flat positions are b·t + i. */
  t: number;
  masked: MaskedRows;
  match: TokenMatchTargets;
  /** Tokens in the rows, padding excluded (what tokens/s counts). */
  tokens: number;
}

/**
 * The host half of a batch: chooses second segments (next sentence),
 * frames, masks and answers token match for the documents `rows`; every
 * draw comes from `rng`, in this order.
 */
export function drawPretrainRows(docs: TokenizedDocuments, rows: readonly number[], rng: Mulberry32, o: BatchOptions): PretrainRows {
  const nsp: number[] = [];
  const framed = rows.map((r) => {
    let second = docs.b[r];
    let label = -100;
    if (o.nextSentence && second !== null) {
      label = 0;
      if (rng.uniform() < 0.5) {
        let other = rng.int(docs.a.length);
        if (other === r) other = (other + 1) % docs.a.length;
        second = docs.b[other] ?? docs.a[other];
        label = 1;
      }
    }
    nsp.push(label);
    return frame(docs.a[r], second, o.maxLength, o.clsId, o.sepId);
  });
  const t = Math.max(...framed.map((f) => f.inputIds.length));
  const masked = maskRows(framed.map((f) => f.inputIds), t, rng, o.masking);
  const match = o.tokenMatch ? tokenMatchTargets(framed, t, new Set(masked.positions)) : { positions: [], labels: [] };
  const tokens = framed.reduce((n, f) => n + f.inputIds.length, 0);
  return { framed, nsp, t, masked, match, tokens };
}

/** drawPretrainRows' batch, uploaded. */
export function makePretrainBatch(docs: TokenizedDocuments, rows: readonly number[], rng: Mulberry32, o: BatchOptions): PretrainBatch {
  const { framed, nsp, masked, match, tokens } = drawPretrainRows(docs, rows, rng, o);
  const inputs = makeBatch(framed.map((f, i) => ({ inputIds: masked.inputIds[i], tokenTypeIds: f.tokenTypeIds })), o.padId);
  const pairs = nsp.filter((l) => l !== -100).length;
  const made: Tensor[] = [];
  const up = (data: Int32Array, shape: number[]) => {
    const x = tensor(data, shape);
    made.push(x);
    return x;
  };
  return {
    inputs: { inputIds: inputs.inputIds, tokenTypeIds: inputs.tokenTypeIds, attentionMask: inputs.attentionMask },
    positions: up(Int32Array.from(masked.positions), [masked.positions.length]),
    labels: up(Int32Array.from(masked.labels), [masked.labels.length]),
    nextSentenceLabels: pairs > 0 ? up(Int32Array.from(nsp), [rows.length]) : null,
    tokenMatch: match.positions.length > 0
      ? { positions: up(Int32Array.from(match.positions), [match.positions.length]), labels: up(Int32Array.from(match.labels), [match.labels.length]) }
      : null,
    predicted: masked.positions.length,
    pairs,
    matched: match.positions.length,
    absent: match.labels.filter((l) => l === 1).length,
    tokens,
    dispose: () => {
      inputs.dispose();
      made.forEach((x) => x.dispose());
    },
  };
}
