/**
 * A run killed mid-training and resumed from its checkpoint ends with
 * exactly the weights of an uninterrupted run (weights, optimiser state,
 * step, data order, dropout RNG and λ all continue where they stopped).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { initNode } from '@bamgpu/core/node';
import { BertTokenizer, bertConfig } from '@bamgpu/bert';
import { generateSyntheticGlue } from '../src/synthetic/index.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../src/train/config.js';
import { fromSynthetic } from '../src/train/task.js';
import { train } from '../src/train/trainer.js';

let dir: string;
beforeAll(async () => {
  await initNode();
  dir = await mkdtemp(join(tmpdir(), 'bam-resume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('killed and resumed = uninterrupted, bit for bit', async () => {
  const suite = generateSyntheticGlue({ seed: 1, scale: 0.02 });
  const tokenizer = new BertTokenizer(suite.vocabTxt().split('\n').filter(Boolean), { lowercase: true });
  const tasks = suite.tasks.filter((t) => t.name === 'syn-sentiment' || t.name === 'syn-similarity').map(fromSynthetic);
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    init: { config: bertConfig({ vocabSize: tokenizer.vocabSize, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 64 }) },
    // The no-teacher annealing control exercises λ without needing teacher files.
    targets: { kind: 'anneal-no-teacher' },
    maxSeqLength: 32,
    batchSize: 8,
    epochs: 2,
    learningRate: 1e-3,
    progress: false,
  };
  const full = await train({ tasks, tokenizer, config: { ...config, outputDir: join(dir, 'full') } });
  const fullWeights = await full.model.stateDict();
  full.model.dispose();

  const part = await train({ tasks, tokenizer, config: { ...config, outputDir: join(dir, 'resumed'), stopAfter: 5 } });
  expect(part.steps).toBe(5);
  part.model.dispose();
  const resumed = await train({ tasks, tokenizer, config: { ...config, outputDir: join(dir, 'resumed'), resume: true } });
  expect(resumed.steps).toBe(full.steps);
  const resumedWeights = await resumed.model.stateDict();
  resumed.model.dispose();

  expect([...resumedWeights.keys()]).toEqual([...fullWeights.keys()]);
  for (const [name, w] of fullWeights) {
    expect(Buffer.from(resumedWeights.get(name)!.data.buffer).equals(Buffer.from(w.data.buffer)), name).toBe(true);
  }
  // The logged λ and losses continue identically too.
  const steps = (h: typeof full.history) => h.filter((e) => e.type === 'step').map((e) => JSON.stringify({ ...e, seconds: 0 }));
  expect(steps(resumed.history)).toEqual(steps(full.history));
});
