import { Linear, Module, crossEntropy, gelu, indexSelect, reshape, type LayerOptions, type Tensor } from '@bamgpu/core';

/** Which tokens the token-match task scores, and its answers. */
export interface TokenMatchTargets {
  /** Flat positions b·T + t (T = the batch's padded length). */
  positions: number[];
  /** 1 where the token does not occur in the row's other segment, 0 where it does. */
  labels: number[];
}

/**
 * The token-match task: for every token of a two-segment row, does it occur
 * in the other segment? A word-by-word comparison of the two sentences,
 * which the pair tasks need and masked LM alone does not teach a small BERT
 * (docs/results/README.md, "pre-training tasks that compare"). The answers
 * come from the rows as framed, before masking; tokens chosen for masked LM
 * (`chosen`, flat positions) are not scored, since their identity is hidden.
 * One-segment rows and the special tokens [CLS] and [SEP] take no part.
 */
export function tokenMatchTargets(
  rows: readonly { inputIds: readonly number[]; tokenTypeIds: readonly number[] }[],
  t: number,
  chosen: ReadonlySet<number>,
): TokenMatchTargets {
  const positions: number[] = [];
  const labels: number[] = [];
  rows.forEach((row, b) => {
    const firstB = row.tokenTypeIds.indexOf(1);
    if (firstB < 0) return;
    // [CLS] a… [SEP] b… [SEP]: segment A is 1 … firstB−2, segment B firstB … length−2.
    const a = row.inputIds.slice(1, firstB - 1);
    const second = row.inputIds.slice(firstB, row.inputIds.length - 1);
    const inA = new Set(a);
    const inB = new Set(second);
    const score = (i: number, absent: boolean) => {
      if (chosen.has(b * t + i)) return;
      positions.push(b * t + i);
      labels.push(absent ? 1 : 0);
    };
    a.forEach((id, k) => score(1 + k, !inB.has(id)));
    second.forEach((id, k) => score(firstB + k, !inA.has(id)));
  });
  return { positions, labels };
}

/**
 * The token-match head: dense (hidden → hidden), GELU, dense (hidden → 2)
 * on the final hidden state of each scored token, initialised as BERT
 * initialises its heads. It exists only during pre-training and is never
 * part of the saved model.
 */
export class TokenMatchHead extends Module {
  dense: Linear;
  classifier: Linear;

  constructor(hiddenSize: number, initStd: number, options: LayerOptions = {}) {
    super();
    this.dense = new Linear(hiddenSize, hiddenSize, { ...options, initStd });
    this.classifier = new Linear(hiddenSize, 2, { ...options, initStd });
  }

  /** Logits [M, 2] for the flat positions [M] of final states [B, T, H]. */
  forward(hidden: Tensor, positions: Tensor): Tensor {
    const [b, t, h] = hidden.shape;
    return this.classifier.forward(gelu(this.dense.forward(indexSelect(reshape(hidden, [b * t, h]), 0, positions))));
  }

  /** Mean cross-entropy over the scored tokens. */
  loss(hidden: Tensor, positions: Tensor, labels: Tensor): { logits: Tensor; loss: Tensor } {
    const logits = this.forward(hidden, positions);
    return { logits, loss: crossEntropy(logits, labels) };
  }
}
