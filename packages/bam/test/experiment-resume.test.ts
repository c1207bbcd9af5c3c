/**
 * `bam experiment` interrupted mid-way and rerun with resume ends with the
 * results of an uninterrupted run: finished runs are taken from their
 * records (not trained again), the unfinished one resumes from its checkpoint.
 */
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { initNode } from '@bamgpu/core/node';
import { BertTokenizer, bertConfig } from '@bamgpu/bert';
import { runExperiment, type ExperimentOptions } from '../src/experiment/experiment.js';
import { generateSyntheticGlue } from '../src/synthetic/index.js';
import { DEFAULT_TRAIN_CONFIG } from '../src/train/config.js';
import { fromSynthetic } from '../src/train/task.js';

let dir: string;
beforeAll(async () => {
  await initNode();
  dir = await mkdtemp(join(tmpdir(), 'bam-exp-resume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** results.json without wall-clock times, the only thing that may differ. */
async function results(out: string): Promise<unknown> {
  return JSON.parse(await readFile(join(out, 'results.json'), 'utf8'), (k, v) => (k === 'seconds' ? undefined : v));
}

test('an interrupted experiment resumed = uninterrupted; finished runs are not retrained', async () => {
  const suite = generateSyntheticGlue({ seed: 1, scale: 0.02 });
  const tokenizer = new BertTokenizer(suite.vocabTxt().split('\n').filter(Boolean), { lowercase: true });
  const opts: ExperimentOptions = {
    tasks: suite.tasks.filter((t) => t.name === 'syn-sentiment').map(fromSynthetic),
    tokenizer,
    base: {
      ...DEFAULT_TRAIN_CONFIG,
      init: { config: bertConfig({ vocabSize: tokenizer.vocabSize, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 64 }) },
      maxSeqLength: 32, batchSize: 8, epochs: 2, learningRate: 1e-3, checkpointEvery: 2, progress: false,
    },
    methods: ['single', 'bam'],
    seeds: [0],
    resumable: true,
  };
  await runExperiment({ ...opts, outDir: join(dir, 'full') });

  const out = join(dir, 'resumed');
  // The BAM run stops after 2 steps (as a kill would leave it, with a checkpoint); Single finished before it.
  await expect(runExperiment({ ...opts, outDir: out, multi: { stopAfter: 2 } })).rejects.toThrow(/run s0-bam stopped before the end of its schedule/);
  // Unit folders are <name>-<content hash> (experiment/plan.ts, run-units.ts).
  const single = (await readdir(join(out, 'runs'))).filter((n) => n.startsWith('s0-single-syn-sentiment-'));
  expect(single).toHaveLength(1);
  const singleRecord = join(out, 'runs', single[0], 'record.json');
  const before = (await stat(singleRecord)).mtimeMs;
  await expect(runExperiment({ ...opts, outDir: out })).rejects.toThrow(/record\.json exists: pass --resume/);
  await runExperiment({ ...opts, outDir: out, resume: true });
  expect((await stat(singleRecord)).mtimeMs).toBe(before);
  expect(await results(out)).toEqual(await results(join(dir, 'full')));
});
