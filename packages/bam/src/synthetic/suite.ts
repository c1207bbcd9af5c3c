/**
 * generateSyntheticGlue: the embedded default data suite ("synthetic GLUE")
 * that `bam demo` trains on without downloading anything. Pure, browser-safe
 * and deterministic in (seed, scale, labelNoise, testLabels).
 */
import type { Example } from '../data/example.js';
import { corruptLabel } from './noise.js';
import { SplitMix32, type SeededRng } from '@bamgpu/core';
import type { TaskDefinition } from './task-definition.js';
import { ACCEPTABILITY_TASK } from './tasks/acceptability.js';
import { ENTAILMENT_TASK } from './tasks/entailment.js';
import { PARAPHRASE_TASK } from './tasks/paraphrase.js';
import { SENTIMENT_TASK } from './tasks/sentiment.js';
import { SIMILARITY_TASK } from './tasks/similarity.js';
import type { SplitName, SyntheticSuite, SyntheticTask, SyntheticTaskMetadata, TaskSplits } from './types.js';
import { SPLIT_NAMES } from './types.js';
import { syntheticVocabTxt, syntheticVocabulary } from './vocabulary.js';

export interface SyntheticGlueOptions {
  /** Any safe integer; default 0. */
  readonly seed?: number;
  /** Multiplies every split size (rounded, at least 1); default 1 (~10k training examples in all). */
  readonly scale?: number;
  /** Corrupt gold labels at the documented rates; default true. False gives the noise-free rule labels. */
  readonly labelNoise?: boolean;
  /** Keep labels on the test split (they are noisy like dev's when labelNoise is on); default false, as in GLUE. */
  readonly testLabels?: boolean;
}

const TASKS: readonly TaskDefinition[] = [SENTIMENT_TASK, ACCEPTABILITY_TASK, ENTAILMENT_TASK, PARAPHRASE_TASK, SIMILARITY_TASK];

/** Names of the synthetic tasks, in suite order. */
export const SYNTHETIC_TASK_NAMES: readonly string[] = TASKS.map((t) => t.name);

/** Split sizes of a task at a given scale. */
export function splitSize(task: TaskDefinition, split: SplitName, scale: number): number {
  return Math.max(1, Math.round(task.sizes[split] * scale));
}

/** Copies a task definition's metadata, leaving out its sizes and generator. */
function metadataOf(task: TaskDefinition): SyntheticTaskMetadata {
  const { sizes: _sizes, generate: _generate, ...metadata } = task;
  return metadata;
}

/**
 * All three splits of one task. Each split has its own random stream, and
 * label noise has streams of its own, so switching noise off changes labels
 * only. A pair of texts never repeats within a task, so dev/test never
 * contain training sentences verbatim.
 */
function generateSplits(task: TaskDefinition, seed: number, scale: number, labelNoise: boolean, testLabels: boolean): TaskSplits {
  const seen = new Set<string>();
  const metadata = metadataOf(task);
  const splits: Record<SplitName, Example[]> = { train: [], dev: [], test: [] };
  for (const split of SPLIT_NAMES) {
    const rng = SplitMix32.stream('synthetic-glue', seed, task.name, split, 'examples');
    const noiseRng = SplitMix32.stream('synthetic-glue', seed, task.name, split, 'noise');
    const size = splitSize(task, split, scale);
    while (splits[split].length < size) {
      const item = task.generate(rng);
      const key = `${item.textA}\t${item.textB ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const example: Example = { id: `${split}-${splits[split].length}`, textA: item.textA };
      if (item.textB !== undefined) example.textB = item.textB;
      if (split !== 'test' || testLabels) example.label = labelNoise ? corruptLabel(item.label, metadata, noiseRng) : item.label;
      splits[split].push(example);
    }
  }
  return splits;
}

export function generateSyntheticGlue(options: SyntheticGlueOptions = {}): SyntheticSuite {
  const seed = options.seed ?? 0;
  const scale = options.scale ?? 1;
  const labelNoise = options.labelNoise ?? true;
  const testLabels = options.testLabels ?? false;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be a positive number, got ${scale}`);
  const tasks: SyntheticTask[] = TASKS.map((t) => ({ ...metadataOf(t), splits: generateSplits(t, seed, scale, labelNoise, testLabels) }));
  return {
    seed,
    scale,
    labelNoise,
    tasks,
    vocabulary: syntheticVocabulary,
    vocabTxt: syntheticVocabTxt,
  };
}
