import { Linear, Module } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import type { BertBuildOptions } from './options.js';

/** One task of a multi-task model: its name and its number of outputs (1 = regression). */
export interface TaskSpec {
  name: string;
  numLabels: number;
}

// Names become parameter-name segments (`heads.<name>.weight`): no dots, and
// not all digits, since integer-like keys would reorder the properties.
const TASK_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

// Names that are already properties of a TaskHeads (or of every object).
const RESERVED = new Set(['training', 'byName', 'specs', 'names', 'head', 'constructor', ...Object.getOwnPropertyNames(Object.prototype)]);

/** Throws naming the task when a spec cannot become a head; run before any GPU allocation. */
export function checkTaskSpecs(specs: readonly TaskSpec[]): void {
  if (specs.length === 0) throw new Error('TaskHeads: at least one task is needed');
  const seen = new Set<string>();
  for (const spec of specs) {
    if (typeof spec.name !== 'string' || !TASK_NAME.test(spec.name) || RESERVED.has(spec.name) || spec.name in Module.prototype) {
      throw new Error(`TaskHeads: task name ${JSON.stringify(spec.name)} must match ${TASK_NAME} and not be a property of the module`);
    }
    if (seen.has(spec.name)) throw new Error(`TaskHeads: task "${spec.name}" is given twice`);
    seen.add(spec.name);
    if (!Number.isInteger(spec.numLabels) || spec.numLabels < 1) {
      throw new Error(`TaskHeads: task "${spec.name}" needs numLabels ≥ 1 (1 = regression), got ${spec.numLabels}`);
    }
  }
}

/**
 * How task heads start (bias zero in both): `normal` is BERT's classifier
 * init, N(0, initializer_range); `glorot-uniform` is U(±√(6/(in+out))), the
 * default kernel of tf.layers.dense, which the BAM reference's heads use.
 */
export type HeadInit = 'normal' | 'glorot-uniform';

/** Build options of a model with task heads. */
export interface TaskHeadsOptions extends BertBuildOptions {
  /** Default `normal`. */
  headInit?: HeadInit;
}

/**
 * One Linear head per task, each an own property named after its task so
 * parameters are named `<task>.weight` / `<task>.bias`. Heads start as
 * `options.headInit` says (default: as BERT initialises classifiers).
 */
export class TaskHeads extends Module {
  private readonly byName = new Map<string, Linear>();
  readonly specs: readonly TaskSpec[];

  constructor(specs: readonly TaskSpec[], config: BertConfig, options: TaskHeadsOptions = {}) {
    super();
    checkTaskSpecs(specs);
    for (const spec of specs) {
      const init =
        options.headInit === 'glorot-uniform' ? { initBound: Math.sqrt(6 / (config.hiddenSize + spec.numLabels)) } : { initStd: config.initializerRange };
      const head = new Linear(config.hiddenSize, spec.numLabels, { runtime: options.runtime, generator: options.generator, ...init });
      Object.defineProperty(this, spec.name, { value: head, enumerable: true, writable: false, configurable: false });
      this.byName.set(spec.name, head);
    }
    this.specs = specs.map((s) => ({ name: s.name, numLabels: s.numLabels }));
  }

  /** The head of `task`; throws naming the known tasks when there is none. */
  head(task: string): Linear {
    const head = this.byName.get(task);
    if (!head) throw new Error(`no head for task "${task}" (tasks: ${[...this.byName.keys()].join(', ')})`);
    return head;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }
}
