import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BertTokenizer, bertConfig } from '@bamgpu/bert/node';
import { Generator } from '@bamgpu/core';
import { cachedModelReady, pretrainCacheDir } from '../pretrain/cache.js';
import { DEFAULT_PRETRAIN_CONFIG } from '../pretrain/config.js';
import { pretrain, type PretrainEvent } from '../pretrain/pretrainer.js';
import { savePretrainedEncoder } from '../pretrain/save.js';
import { generatePretrainingCorpus, generateSyntheticGlue, type CorpusDocument, type SyntheticSuite } from '../synthetic/index.js';
import { referenceLevels, type ReferenceLevels } from '../synthetic/levels.js';
import { DEFAULT_TRAIN_CONFIG } from '../train/config.js';
import { lockOutputDir } from '../train/output-lock.js';
import { fromSynthetic } from '../train/task.js';
import type { DemoRecipe } from './demo-recipe.js';
import { runExperiment, type ExperimentResult, type ReferenceRows } from './experiment.js';
import type { MethodName } from './methods.js';

export interface DemoPipelineOptions {
  recipe: DemoRecipe;
  /** Seed of the data and of pre-training. */
  dataSeed: number;
  /** Fine-tuning seeds: each method runs once per seed. */
  seeds: readonly number[];
  methods: readonly MethodName[];
  out: string;
  /** Where pre-trained encoders are kept, by a hash of their settings. */
  cacheDir: string;
  progress: boolean;
  /**
   * Reuse the finished runs under <out>/runs and resume the unfinished one.
   * Without it every run starts afresh, replacing what <out>/runs holds.
   */
  resume?: boolean;
  log: (line: string) => void;
}

export interface DemoPipelineResult {
  result: ExperimentResult;
  levels: Map<string, ReferenceLevels>;
  /** The chance and ceiling rows of the table. */
  references: ReferenceRows;
  pretrained: { dir: string; reused: boolean; seconds: number; heldOutAccuracy: number; tokensPerSecond: number };
}

/** The pre-training log's last figures (a reused encoder reports the run that made it). */
async function pretrainSummary(dir: string): Promise<{ seconds: number; heldOutAccuracy: number; tokensPerSecond: number }> {
  const lines = (await readFile(join(dir, 'metrics.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as PretrainEvent);
  const step = lines.filter((e): e is Extract<PretrainEvent, { type: 'step' }> => e.type === 'step').at(-1);
  const ev = lines.filter((e): e is Extract<PretrainEvent, { type: 'eval' }> => e.type === 'eval').at(-1);
  return { seconds: step?.seconds ?? NaN, heldOutAccuracy: ev?.accuracy ?? NaN, tokensPerSecond: step?.tokensPerSecond ?? NaN };
}

/** The demo's data for one data seed: the embedded suite at the recipe's scale, and the tokenizer of its vocabulary. */
export function demoData(r: DemoRecipe, dataSeed: number): { suite: SyntheticSuite; tokenizer: BertTokenizer } {
  const suite = generateSyntheticGlue({ seed: dataSeed, scale: r.scale });
  const tokenizer = new BertTokenizer(suite.vocabTxt().split('\n').filter((l) => l.length > 0), { lowercase: true });
  return { suite, tokenizer };
}

/** The suite's unlabelled corpus that the demo pre-trains on, of the recipe's version and size (seconds to make at 50,000 documents). */
export function demoCorpus(r: DemoRecipe, suite: SyntheticSuite): CorpusDocument[] {
  return generatePretrainingCorpus(suite, { size: r.corpusSize, version: r.corpusVersion });
}

/**
 * The demo's encoder shape, its pre-training settings, and the settings the
 * cache folder is named by (a hash of them: docs and cached encoders name
 * those folders, so a change here must be deliberate).
 */
export function demoPretraining(r: DemoRecipe, dataSeed: number, vocabSize: number) {
  const config = bertConfig({
    vocabSize, hiddenSize: r.hidden, numHiddenLayers: r.layers, numAttentionHeads: Math.max(1, r.hidden / 16),
    intermediateSize: 4 * r.hidden, maxPositionEmbeddings: 64, hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1,
  });
  const pretrainConfig = {
    ...DEFAULT_PRETRAIN_CONFIG,
    init: { config },
    steps: r.pretrainSteps,
    learningRate: r.pretrainLr,
    batchSize: r.pretrainBatchSize,
    nextSentence: r.nextSentence,
    // Only when on, so that an encoder pre-trained without these options keeps its cache hash.
    ...(r.groupByLength ? { groupByLength: true } : {}),
    ...(r.tokenMatch ? { tokenMatch: r.tokenMatch } : {}),
    ...(r.pretrainBiasCorrection ? { biasCorrection: true } : {}),
    maxSeqLength: r.maxSeqLength,
    seed: dataSeed,
    evalEvery: Math.max(1, Math.floor(r.pretrainSteps / 10)),
    checkpointEvery: Math.max(1, Math.floor(r.pretrainSteps / 10)),
  };
  const settings = { version: 1, rng: Generator.algorithm, corpus: { seed: dataSeed, scale: r.scale, size: r.corpusSize, version: r.corpusVersion }, pretrain: { ...pretrainConfig, init: undefined, config } };
  return { config, pretrainConfig, settings };
}

/**
 * The demo: the embedded suite, a BERT pre-trained by masked LM on the
 * suite's unlabelled corpus (cached), then every method fine-tuned from it
 * with one recipe, over the given seeds.
 */
export async function runDemoPipeline(o: DemoPipelineOptions): Promise<DemoPipelineResult> {
  const r = o.recipe;
  const { suite, tokenizer } = demoData(r, o.dataSeed);
  const tasks = suite.tasks.map(fromSynthetic);
  o.log(`data: embedded synthetic suite (seed ${o.dataSeed}, scale ${r.scale}): ${tasks.map((t) => `${t.name} ${t.train.length}`).join(', ')} training examples`);
  const { config, pretrainConfig, settings } = demoPretraining(r, o.dataSeed, tokenizer.vocabSize);
  const dir = pretrainCacheDir(o.cacheDir, settings);
  const reused = await cachedModelReady(dir);
  o.log(`model: BERT, hidden ${r.hidden}, ${r.layers} layers, ${config.numAttentionHeads} heads`);
  if (reused) {
    o.log(`pre-training: reusing the encoder pre-trained with the same settings in ${dir}`);
  } else {
    o.log(`pre-training: masked LM${r.nextSentence ? ', next sentence' : ''}${r.tokenMatch ? `, token match (weight ${r.tokenMatch})` : ''} on ${r.corpusSize} documents of the suite's unlabelled corpus (version ${r.corpusVersion}), ${r.pretrainSteps} steps of ${r.pretrainBatchSize} (cached in ${dir})`);
    const documents = demoCorpus(r, suite);
    const p = await pretrain({ documents, tokenizer, config: { ...pretrainConfig, outputDir: dir, resume: true, progress: o.progress, label: 'pretrain' } });
    await savePretrainedEncoder(p.model, tokenizer, join(dir, 'model'));
    p.model.dispose();
  }
  const summary = await pretrainSummary(dir);
  o.log(`pre-training: held-out masked-token accuracy ${(100 * summary.heldOutAccuracy).toFixed(1)}%, ${Math.round(summary.tokensPerSecond)} tokens/s${reused ? ' (when it was made)' : ''}`);
  const levels = referenceLevels(suite);
  const references: ReferenceRows = [
    { label: 'chance', values: Object.fromEntries([...levels].map(([t, l]) => [t, l.chance])) },
    { label: 'ceiling', values: Object.fromEntries([...levels].map(([t, l]) => [t, l.ceiling])) },
  ];
  const release = await lockOutputDir(o.out);
  let result: ExperimentResult;
  try {
    result = await runExperiment({
      tasks,
      tokenizer,
      base: {
        ...DEFAULT_TRAIN_CONFIG,
        init: { pretrained: join(dir, 'model') },
        maxSeqLength: r.maxSeqLength,
        batchSize: r.batchSize,
        epochs: r.epochs,
        learningRate: r.learningRate,
        evalCount: r.evalCount,
        progress: o.progress,
      },
      methods: o.methods,
      seeds: o.seeds,
      outDir: o.out,
      // Each run trains in its own folder, so a stopped demo goes on with --resume.
      resumable: true,
      resume: Boolean(o.resume),
      overwrite: !o.resume,
      references,
      provenance: { recipe: r, dataSeed: o.dataSeed, pretrained: { settings, ...summary } },
      log: o.log,
    });
  } finally {
    await release();
  }
  return { result, levels, references, pretrained: { dir, reused, ...summary } };
}
