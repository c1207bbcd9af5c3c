import { Module, type Tensor } from '@bamgpu/core';
import type { BertForMaskedLM, BertForPreTraining } from '@bamgpu/bert/node';
import type { TokenMatchHead } from './token-match.js';

/** The model pre-training saves: masked LM alone, or with the next-sentence head. */
export type PretrainedBert = BertForMaskedLM | BertForPreTraining;

/**
 * What pre-training trains: the BERT it saves, and the heads of tasks that
 * exist only during pre-training (token match). Parameters keep the BERT's
 * own names, the head's are `token_match.…`, so the optimiser and the
 * checkpoint see one model, and a checkpoint made without the head
 * resumes as it did before the head existed.
 */
export class PretrainingModel extends Module {
  constructor(
    readonly model: PretrainedBert,
    readonly tokenMatch: TokenMatchHead | null,
  ) {
    super();
  }

  override *namedParameters(prefix = ''): Generator<[string, Tensor]> {
    yield* this.model.namedParameters(prefix);
    if (this.tokenMatch) yield* this.tokenMatch.namedParameters(`${prefix}token_match.`);
  }
}
