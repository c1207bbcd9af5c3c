import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BertTokenizer, bertConfig, parseBertConfigText, type BertConfig } from '@bamgpu/bert/node';
import { generateSyntheticGlue, type SyntheticSuite } from '../synthetic/index.js';
import { loadGlueTask } from '../train/sources.js';
import { fromSynthetic, type TrainTask } from '../train/task.js';
import { exists } from '../io/fs-safe.js';
import type { DataSource } from '../queue/job.js';
import { UsageError } from './args.js';

/** Tasks from a GLUE folder (names as GLUE or the reference spells them) or from the embedded suite ("synthetic"). */
export async function loadTasks(data: string, names: readonly string[] | null, opts: { scale?: number; seed?: number; maxLines?: number } = {}): Promise<{ tasks: TrainTask[]; vocabTxt?: string; suite?: SyntheticSuite }> {
  if (data === 'synthetic') {
    const suite = generateSyntheticGlue({ seed: opts.seed ?? 0, scale: opts.scale ?? 1 });
    const all = suite.tasks.map(fromSynthetic);
    const valid = all.map((t) => t.name);
    const tasks = names ? names.map((n) => all.find((t) => t.name === n) ?? bad(n, valid)) : all;
    return { tasks, vocabTxt: suite.vocabTxt(), suite };
  }
  if (!names || names.length === 0) throw new UsageError('--tasks is required with a GLUE folder (e.g. --tasks rte,mrpc)');
  if (!(await exists(data))) throw new UsageError(`GLUE data folder not found: ${data}`);
  const tasks: TrainTask[] = [];
  for (const n of names) tasks.push(await loadGlueTask(data, n, { maxLines: opts.maxLines, withTest: true }));
  return { tasks };
}

function bad(name: string, valid: readonly string[]): never {
  throw new UsageError(`unknown task "${name}"; valid tasks: ${valid.join(', ')}`);
}

/** An experiment's tasks and tokenizer from its data flags: what `bam experiment` and a queue worker both load. */
export async function loadSource(s: DataSource): Promise<{ tasks: TrainTask[]; tokenizer: BertTokenizer }> {
  const { tasks, vocabTxt } = await loadTasks(s.data, s.tasks, { scale: s.scale });
  return { tasks, tokenizer: await loadTokenizer(s.model, vocabTxt) };
}

/** Tokenizer from a model folder's vocab.txt (HF layout), else the given vocabulary text. */
export async function loadTokenizer(modelDir: string | undefined, vocabTxt: string | undefined, lowercase = true): Promise<BertTokenizer> {
  if (modelDir && (await exists(join(modelDir, 'vocab.txt')))) return BertTokenizer.fromPretrained(modelDir);
  if (vocabTxt) return new BertTokenizer(vocabTxt.split('\n').filter((l) => l.length > 0), { lowercase });
  throw new UsageError(`no vocabulary: ${modelDir ? `${modelDir}/vocab.txt is missing` : 'give --model <folder with vocab.txt>'}`);
}

/**
 * A BERT config from a model folder: Hugging Face's config.json, or the
 * original BERT release's bert_config.json (same keys).
 */
export async function readModelConfig(dir: string): Promise<BertConfig> {
  for (const name of ['config.json', 'bert_config.json']) {
    const p = join(dir, name);
    if (await exists(p)) return parseBertConfigText(await readFile(p, 'utf8'), p);
  }
  throw new UsageError(`${dir}: neither config.json nor bert_config.json found`);
}

/** A small BERT shaped for the vocabulary, for training from scratch. */
export function tinyConfig(vocabSize: number, hidden: number, layers: number, maxPositions = 128): BertConfig {
  return bertConfig({
    vocabSize, hiddenSize: hidden, numHiddenLayers: layers, numAttentionHeads: Math.max(1, Math.round(hidden / 16)),
    intermediateSize: 4 * hidden, maxPositionEmbeddings: maxPositions,
  });
}

/** Whether a folder holds weights we can load (safetensors, single or sharded). */
export async function hasWeights(dir: string): Promise<boolean> {
  return (await exists(join(dir, 'model.safetensors'))) || (await exists(join(dir, 'model.safetensors.index.json')));
}
