import { Module, scope, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import type { FolderReader, FolderWriter } from '../checkpoint/folder-io.js';
import type { LoadReport } from '../checkpoint/load-weights.js';
import { loadPretrained, savePretrained, type FromPretrainedOptions } from '../checkpoint/pretrained.js';
import { BertModel } from './bert-model.js';
import { checkedConfig } from './checked-config.js';
import type { BertInputs } from './inputs.js';
import { BertOnlyMLMHead, checkTiedDecoder, maskedLMLogits } from './mlm-head.js';
import type { BertBuildOptions } from './options.js';

export interface MaskedLMOutput {
  /** [B, T, H]. */
  lastHiddenState: Tensor;
  /** [B, T, vocab], or [M, vocab] for the M positions asked for. */
  logits: Tensor;
}

export interface MaskedLMForwardOptions {
  /**
   * int32 [M]: flat indices b·T + t of the positions to predict. Only their
   * rows go through the head, which is what pre-training needs (15% of
   * tokens) and saves the [B·T, vocab] product. Default: every position.
   */
  positions?: Tensor;
}

/**
 * Checkpoint names of the tied decoder, each with the parameter it is: its
 * weight is the word-embedding table, its bias `cls.predictions.bias`.
 * transformers writes them in some folders and skips them in others; they
 * are not separate weights (loading checks a stored copy equals its
 * parameter, and save() does not write them).
 */
export const TIED_MLM_WEIGHTS = {
  'cls.predictions.decoder.weight': 'bert.embeddings.word_embeddings.weight',
  'cls.predictions.decoder.bias': 'cls.predictions.bias',
} as const;

/** The tied decoder's checkpoint names (the keys of {@link TIED_MLM_WEIGHTS}). */
export const TIED_MLM_KEYS = Object.keys(TIED_MLM_WEIGHTS) as readonly (keyof typeof TIED_MLM_WEIGHTS)[];

/**
 * Hugging Face's BertForMaskedLM: a BERT without pooler (`bert.…`) and the
 * masked-LM head `cls.predictions.{transform.dense, transform.LayerNorm,
 * bias}`, whose decoder is tied to `bert.embeddings.word_embeddings.weight`.
 */
export class BertForMaskedLM extends Module {
  bert: BertModel;
  cls: BertOnlyMLMHead;
  readonly config: BertConfig;
  /** Tokenizer files that came with the checkpoint (vocab.txt, …); save() writes them back. */
  assets = new Map<string, string>();
  /** Set by fromPretrained: checkpoint tensors missing from or not used by this model (tied keys excluded). */
  loadReport: LoadReport | null = null;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    const cfg = checkedConfig(config);
    checkTiedDecoder(cfg, 'BertForMaskedLM');
    this.bert = new BertModel(cfg, { ...options, addPoolingLayer: false });
    const table = this.bert.embeddings.word_embeddings;
    this.cls = new BertOnlyMLMHead(cfg, () => table.weight, options);
    this.config = cfg;
  }

  /** A randomly initialised model, as BERT initialises one (the head's bias 0, its LayerNorm 1 and 0). */
  static fromConfig(config: BertConfig, options: BertBuildOptions = {}): BertForMaskedLM {
    return new BertForMaskedLM(config, options);
  }

  /**
   * Loads a Hugging Face folder, with or without a stored
   * `cls.predictions.decoder.weight` / `.bias` (tied: a stored copy must
   * equal the table / `cls.predictions.bias`, else CheckpointError). A base-model
   * checkpoint gives a head initialised as BERT does, listed in
   * `loadReport.missing`.
   */
  static async fromPretrained(dir: string | FolderReader, options: FromPretrainedOptions = {}): Promise<BertForMaskedLM> {
    const loaded = await loadPretrained(dir, 'BertForMaskedLM', (c, o) => new BertForMaskedLM(c, o), { ...options, tied: TIED_MLM_WEIGHTS });
    loaded.model.assets = loaded.assets;
    loaded.model.loadReport = loaded.report;
    return loaded.model;
  }

  forward(inputs: BertInputs, options: MaskedLMForwardOptions = {}): MaskedLMOutput {
    return scope(() => {
      const lastHiddenState = this.bert.encode(inputs);
      return { lastHiddenState, logits: maskedLMLogits(this.cls.predictions, lastHiddenState, options.positions, this.config.vocabSize) };
    });
  }

  /** Writes config.json (architectures BertForMaskedLM), model.safetensors and the tokenizer files; transformers loads it. */
  async save(dir: string | FolderWriter): Promise<void> {
    await savePretrained(dir, this, this.config, {
      configOverrides: { architectures: ['BertForMaskedLM'] },
      assets: this.assets,
    });
  }
}
