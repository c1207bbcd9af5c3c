import { Linear, Module, scope, type Generator, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import type { FolderReader, FolderWriter } from '../checkpoint/folder-io.js';
import type { LoadReport } from '../checkpoint/load-weights.js';
import { loadPretrained, savePretrained, type FromPretrainedOptions } from '../checkpoint/pretrained.js';
import { BertModel, type BertModelOutput } from './bert-model.js';
import { checkedConfig } from './checked-config.js';
import type { BertInputs } from './inputs.js';
import { applyDropout, type BertBuildOptions } from './options.js';

export interface SequenceClassifierOutput extends BertModelOutput {
  /** [B, num_labels]; with one label, the regression output. */
  logits: Tensor;
}

/**
 * Hugging Face's BertForSequenceClassification: BERT, dropout on the pooled
 * output, a Linear classifier. Parameters are named `bert.…` and
 * `classifier.…` exactly as in transformers checkpoints.
 */
export class BertForSequenceClassification extends Module {
  bert: BertModel;
  classifier: Linear;
  readonly config: BertConfig;
  /** Tokenizer files that came with the checkpoint (vocab.txt, …); save() writes them back. */
  assets = new Map<string, string>();
  /** Set by fromPretrained: checkpoint tensors missing from or not used by this model. */
  loadReport: LoadReport | null = null;
  private readonly dropoutProb: number;
  private readonly generator: Generator | undefined;

  /** A randomly initialised model (see {@link fromConfig}). */
  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    const cfg = checkedConfig(config);
    this.bert = new BertModel(cfg, options);
    this.classifier = new Linear(cfg.hiddenSize, cfg.numLabels, { runtime: options.runtime, generator: options.generator, initStd: cfg.initializerRange });
    this.config = cfg;
    this.dropoutProb = cfg.classifierDropout ?? cfg.hiddenDropoutProb;
    this.generator = options.generator;
  }

  /**
   * Random init as BERT does, for training from scratch: Linear and
   * Embedding weights N(0, initializer_range) (the pad token's row zero),
   * biases 0, LayerNorm weight 1 and bias 0.
   */
  static fromConfig(config: BertConfig, options: BertBuildOptions = {}): BertForSequenceClassification {
    return new BertForSequenceClassification(config, options);
  }

  /**
   * Loads a Hugging Face folder (config.json, model.safetensors or a sharded
   * index, tokenizer files). A base-model checkpoint (no classifier) gives a
   * classifier initialised as BERT does; `model.loadReport` lists it.
   */
  static async fromPretrained(dir: string | FolderReader, options: FromPretrainedOptions = {}): Promise<BertForSequenceClassification> {
    const loaded = await loadPretrained(dir, 'BertForSequenceClassification', (c, o) => new BertForSequenceClassification(c, o), options);
    loaded.model.assets = loaded.assets;
    loaded.model.loadReport = loaded.report;
    return loaded.model;
  }

  /** True when the model has one output, which Hugging Face trains as regression. */
  get isRegression(): boolean {
    return this.config.numLabels === 1;
  }

  forward(inputs: BertInputs): SequenceClassifierOutput {
    return scope(() => {
      const { lastHiddenState, pooledOutput } = this.bert.forward(inputs);
      const dropped = applyDropout(pooledOutput, this.dropoutProb, this.training, this.generator);
      return { lastHiddenState, pooledOutput, logits: this.classifier.forward(dropped) };
    });
  }

  /** Writes config.json, model.safetensors and the tokenizer files to `dir`, loadable by transformers. */
  async save(dir: string | FolderWriter): Promise<void> {
    await savePretrained(dir, this, this.config, {
      configOverrides: { architectures: ['BertForSequenceClassification'] },
      assets: this.assets,
    });
  }
}
