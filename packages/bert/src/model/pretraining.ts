import { Module, scope, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import type { FolderReader, FolderWriter } from '../checkpoint/folder-io.js';
import type { LoadReport } from '../checkpoint/load-weights.js';
import { loadPretrained, savePretrained, type FromPretrainedOptions } from '../checkpoint/pretrained.js';
import { BertModel } from './bert-model.js';
import { checkedConfig } from './checked-config.js';
import type { BertInputs } from './inputs.js';
import { TIED_MLM_WEIGHTS, type MaskedLMForwardOptions } from './masked-lm.js';
import { BertPreTrainingHeads, checkTiedDecoder, maskedLMLogits } from './mlm-head.js';
import type { BertBuildOptions } from './options.js';

export interface PreTrainingOutput {
  /** [B, T, H]. */
  lastHiddenState: Tensor;
  /** [B, H]: tanh(dense(h[:, 0])), the input of the next-sentence head. */
  pooledOutput: Tensor;
  /** Masked-LM logits: [B, T, vocab], or [M, vocab] for the positions asked for. */
  logits: Tensor;
  /** [B, 2]: next-sentence logits (0: B follows A, 1: B is random). */
  seqRelationshipLogits: Tensor;
}

/**
 * Hugging Face's BertForPreTraining: BERT with its pooler (`bert.…`), the
 * masked-LM head tied to the word-embedding table and the next-sentence
 * head, `cls.{predictions.…, seq_relationship.…}`. Pre-training with both
 * objectives trains the pooler too, which fine-tuning then starts from
 * (the classifier heads read the pooled [CLS]).
 */
export class BertForPreTraining extends Module {
  bert: BertModel;
  cls: BertPreTrainingHeads;
  readonly config: BertConfig;
  assets = new Map<string, string>();
  loadReport: LoadReport | null = null;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    const cfg = checkedConfig(config);
    checkTiedDecoder(cfg, 'BertForPreTraining');
    this.bert = new BertModel(cfg, options);
    const table = this.bert.embeddings.word_embeddings;
    this.cls = new BertPreTrainingHeads(cfg, () => table.weight, options);
    this.config = cfg;
  }

  static fromConfig(config: BertConfig, options: BertBuildOptions = {}): BertForPreTraining {
    return new BertForPreTraining(config, options);
  }

  /** Loads a Hugging Face folder (the tied decoder as for BertForMaskedLM); absent heads start as BERT initialises them. */
  static async fromPretrained(dir: string | FolderReader, options: FromPretrainedOptions = {}): Promise<BertForPreTraining> {
    const loaded = await loadPretrained(dir, 'BertForPreTraining', (c, o) => new BertForPreTraining(c, o), { ...options, tied: TIED_MLM_WEIGHTS });
    loaded.model.assets = loaded.assets;
    loaded.model.loadReport = loaded.report;
    return loaded.model;
  }

  forward(inputs: BertInputs, options: MaskedLMForwardOptions = {}): PreTrainingOutput {
    return scope(() => {
      const { lastHiddenState, pooledOutput } = this.bert.forward(inputs);
      return {
        lastHiddenState,
        pooledOutput,
        logits: maskedLMLogits(this.cls.predictions, lastHiddenState, options.positions, this.config.vocabSize),
        seqRelationshipLogits: this.cls.seq_relationship.forward(pooledOutput),
      };
    });
  }

  /** Writes config.json (architectures BertForPreTraining), model.safetensors and the tokenizer files. */
  async save(dir: string | FolderWriter): Promise<void> {
    await savePretrained(dir, this, this.config, { configOverrides: { architectures: ['BertForPreTraining'] }, assets: this.assets });
  }
}
