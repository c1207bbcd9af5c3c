import type { BertTokenizer } from '@bamgpu/bert/node';
import type { Example } from '../data/example.js';
import { goldOf, type TrainTask } from './task.js';

/** One tokenised example, ready to batch. */
export interface Feature {
  /** Index of the task in the run's task list. */
  taskIndex: number;
  /**
   * Example id as the reference numbers them: the 0-based row within the
   * split; swapped copies of symmetric tasks get id + N. Teacher predictions are keyed by it.
   */
  eid: number;
  inputIds: number[];
  tokenTypeIds: number[];
  /** Class index or scaled score; NaN when the split is unlabelled. */
  gold: number;
}

/**
 * Tokenises a split: [CLS] a [SEP] (b [SEP]), pairs truncated longest-first
 * to `maxSeqLength`. For training splits of symmetric tasks, appends both
 * orders (eids N..2N−1 for the swapped copies), as the reference does.
 */
export function featurize(
  task: TrainTask,
  taskIndex: number,
  examples: readonly Example[],
  tokenizer: BertTokenizer,
  maxSeqLength: number,
  opts: { swapped?: boolean; labelled?: boolean; where?: string } = {},
): Feature[] {
  const where = opts.where ?? task.name;
  const one = (ex: Example, eid: number, swap: boolean): Feature => {
    const [a, b] = swap ? [ex.textB ?? '', ex.textA] : [ex.textA, ex.textB];
    const enc = tokenizer.encode(a, task.isPair ? b ?? '' : undefined, { maxLength: maxSeqLength });
    return {
      taskIndex,
      eid,
      inputIds: enc.inputIds,
      tokenTypeIds: enc.tokenTypeIds,
      gold: opts.labelled === false || ex.label === undefined ? NaN : goldOf(task, ex, where),
    };
  };
  const eids = exampleIds(examples);
  const out = examples.map((ex, i) => one(ex, eids[i], false));
  if (opts.swapped && task.symmetric && task.isPair) {
    const n = eids.reduce((m, e) => Math.max(m, e + 1), 0);
    examples.forEach((ex, i) => out.push(one(ex, n + eids[i], true)));
  }
  return out;
}

/**
 * GLUE examples carry their row position in the file as id, and a row
 * skipped as malformed keeps its position, so the ids after it do not shift
 * (teacher predictions are keyed by them). When every id of a split is such a
 * distinct integer it is the eid; other sources (the synthetic suite) are
 * numbered by position.
 */
function exampleIds(examples: readonly Example[]): number[] {
  const ids = examples.map((ex) => (/^(0|[1-9]\d*)$/.test(ex.id) ? Number(ex.id) : NaN));
  const usable = ids.every((x) => Number.isSafeInteger(x)) && new Set(ids).size === ids.length;
  return usable ? ids : examples.map((_, i) => i);
}
