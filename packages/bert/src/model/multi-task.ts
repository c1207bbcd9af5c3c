import { Module, scope, type Generator, type Tensor } from '@bamgpu/core';
import { BertConfigError, type BertConfig } from '../config.js';
import type { FolderReader, FolderWriter } from '../checkpoint/folder-io.js';
import type { LoadReport } from '../checkpoint/load-weights.js';
import { loadPretrained, savePretrained, type FromPretrainedOptions } from '../checkpoint/pretrained.js';
import { BertModel, type BertModelOutput } from './bert-model.js';
import { checkedConfig } from './checked-config.js';
import type { BertInputs } from './inputs.js';
import { applyDropout } from './options.js';
import { TaskHeads, checkTaskSpecs, type TaskHeadsOptions, type TaskSpec } from './task-heads.js';

/** config.json key under which the task list is saved (ignored by transformers). */
export const TASKS_CONFIG_KEY = 'bamgpu_tasks';

export interface MultiTaskOutput extends BertModelOutput {
  /** Each requested task's logits [B, numLabels], by task name. */
  logits: Map<string, Tensor>;
}

export interface MultiTaskPretrainedOptions extends FromPretrainedOptions {
  /** The tasks; default: the list saved in config.json by save(). */
  tasks?: readonly TaskSpec[];
  /** Init of heads the checkpoint lacks (default `normal`). */
  headInit?: TaskHeadsOptions['headInit'];
}

function tasksFromConfig(config: BertConfig, where: string): TaskSpec[] {
  const raw = config.extra[TASKS_CONFIG_KEY];
  if (raw === undefined) throw new BertConfigError(`${where}: config.json has no "${TASKS_CONFIG_KEY}"; pass options.tasks`);
  if (!Array.isArray(raw)) throw new BertConfigError(`${where}: config.json "${TASKS_CONFIG_KEY}" must be a list of {name, num_labels}`);
  return raw.map((t: unknown, i) => {
    const { name, num_labels: numLabels } = (t ?? {}) as { name?: unknown; num_labels?: unknown };
    if (typeof name !== 'string' || typeof numLabels !== 'number') {
      throw new BertConfigError(`${where}: config.json "${TASKS_CONFIG_KEY}"[${i}] must be {"name": string, "num_labels": number}, got ${JSON.stringify(t)}`);
    }
    return { name, numLabels };
  });
}

/**
 * One BERT encoder shared by several tasks, each with its own Linear head on
 * the pooled output (dropout applied per head, as BAM does). Parameters:
 * `bert.…` (Hugging Face names, so any BERT checkpoint loads into the
 * encoder) and `heads.<task>.weight` / `.bias`.
 */
export class BertMultiTask extends Module {
  bert: BertModel;
  heads: TaskHeads;
  readonly config: BertConfig;
  assets = new Map<string, string>();
  loadReport: LoadReport | null = null;
  private readonly dropoutProb: number;
  private readonly generator: Generator | undefined;

  constructor(config: BertConfig, tasks: readonly TaskSpec[], options: TaskHeadsOptions = {}) {
    super();
    const cfg = checkedConfig(config);
    checkTaskSpecs(tasks); // before the encoder allocates anything
    this.bert = new BertModel(cfg, options);
    this.heads = new TaskHeads(tasks, cfg, options);
    this.config = cfg;
    this.dropoutProb = cfg.classifierDropout ?? cfg.hiddenDropoutProb;
    this.generator = options.generator;
  }

  /** Random init as BERT does (see BertForSequenceClassification.fromConfig). */
  static fromConfig(config: BertConfig, tasks: readonly TaskSpec[], options: TaskHeadsOptions = {}): BertMultiTask {
    return new BertMultiTask(config, tasks, options);
  }

  /**
   * Loads the encoder (and any saved heads) from a Hugging Face folder. Heads
   * the checkpoint lacks start as BERT initialises classifiers and are listed
   * in `loadReport.missing`; a single-task `classifier` is reported unused.
   */
  static async fromPretrained(dir: string | FolderReader, options: MultiTaskPretrainedOptions = {}): Promise<BertMultiTask> {
    const where = typeof dir === 'string' ? dir : dir.location;
    const loaded = await loadPretrained(dir, 'BertMultiTask', (c, o) => new BertMultiTask(c, options.tasks ?? tasksFromConfig(c, where), { ...o, headInit: options.headInit }), options);
    loaded.model.assets = loaded.assets;
    loaded.model.loadReport = loaded.report;
    return loaded.model;
  }

  get tasks(): readonly TaskSpec[] {
    return this.heads.specs;
  }

  /** Encodes once and runs the heads of `tasks` (default: all) on the pooled output. */
  forward(inputs: BertInputs, tasks: readonly string[] = this.heads.names): MultiTaskOutput {
    const heads = tasks.map((t) => [t, this.heads.head(t)] as const);
    return scope(() => {
      const { lastHiddenState, pooledOutput } = this.bert.forward(inputs);
      const logits = new Map<string, Tensor>();
      for (const [task, head] of heads) {
        logits.set(task, head.forward(applyDropout(pooledOutput, this.dropoutProb, this.training, this.generator)));
      }
      return { lastHiddenState, pooledOutput, logits };
    });
  }

  /** Writes the folder; config.json lists the tasks so fromPretrained(dir) rebuilds the heads. */
  async save(dir: string | FolderWriter): Promise<void> {
    await savePretrained(dir, this, this.config, {
      configOverrides: {
        architectures: ['BertModel'],
        [TASKS_CONFIG_KEY]: this.tasks.map((t) => ({ name: t.name, num_labels: t.numLabels })),
      },
      assets: this.assets,
    });
  }
}
