/**
 * Masked-LM pre-training end to end at tiny size: a killed and resumed run
 * ends bit-identical to an uninterrupted one, and the folder `bam pretrain`
 * writes is what fine-tuning loads (every encoder weight, not fresh ones).
 */
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { initNode } from '@bamgpu/core/node';
import { BertForMaskedLM, BertForPreTraining, BertForSequenceClassification, BertTokenizer, bertConfig } from '@bamgpu/bert/node';
import { main } from '../src/cli/main.js';
import { GLUE_FIXTURE_FILES, writeGlueFixtures } from './helpers/glue-fixtures.js';
import { DEFAULT_PRETRAIN_CONFIG, type PretrainConfig } from '../src/pretrain/config.js';
import { pretrain } from '../src/pretrain/pretrainer.js';
import { generatePretrainingCorpus, generateSyntheticGlue } from '../src/synthetic/index.js';

const exists = (p: string) => access(p).then(() => true, () => false);

let dir: string;
beforeAll(async () => {
  await initNode();
  dir = await mkdtemp(join(tmpdir(), 'bam-pretrain-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const suite = generateSyntheticGlue({ seed: 0, scale: 0.02 });
const tokenizer = new BertTokenizer(suite.vocabTxt().split('\n').filter(Boolean), { lowercase: true });
const documents = generatePretrainingCorpus(suite, { size: 120 });
const config: PretrainConfig = {
  ...DEFAULT_PRETRAIN_CONFIG,
  init: { config: bertConfig({ vocabSize: tokenizer.vocabSize, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 64 }) },
  steps: 14,
  batchSize: 16,
  maxSeqLength: 32,
  heldOut: 20,
  evalEvery: 7,
  progress: false,
};

test.each([
  [false, false, 0, false],
  [true, false, 0, false],
  [true, true, 0, false],
  [true, false, 0.5, false],
  [false, false, 0, true],
])('killed and resumed = uninterrupted, bit for bit (weights, log, held-out scores); next sentence %s, grouped by length %s, token match %s, bias correction %s', async (nextSentence, groupByLength, tokenMatch, biasCorrection) => {
  // With bias correction the update depends on each parameter's step count, which the checkpoint must carry.
  const cfg = { ...config, nextSentence, ...(groupByLength ? { groupByLength } : {}), ...(tokenMatch ? { tokenMatch } : {}), ...(biasCorrection ? { biasCorrection } : {}) };
  const sub = `${nextSentence ? 'nsp-' : ''}${groupByLength ? 'grouped-' : ''}${tokenMatch ? 'match-' : ''}${biasCorrection ? 'adam-' : ''}`;
  const full = await pretrain({ documents, tokenizer, config: { ...cfg, outputDir: join(dir, `${sub}full`) } });
  const fullWeights = await full.model.stateDict();
  full.model.dispose();
  // 100 training documents make 6 batches an epoch: the run crosses two epoch boundaries.
  const part = await pretrain({ documents, tokenizer, config: { ...cfg, outputDir: join(dir, `${sub}resumed`), stopAfter: 8 } });
  expect(part.steps).toBe(8);
  part.model.dispose();
  const resumed = await pretrain({ documents, tokenizer, config: { ...cfg, outputDir: join(dir, `${sub}resumed`), resume: true } });
  expect(resumed.steps).toBe(14);
  const resumedWeights = await resumed.model.stateDict();
  resumed.model.dispose();
  for (const [name, w] of fullWeights) {
    expect(Buffer.from(resumedWeights.get(name)!.data.buffer).equals(Buffer.from(w.data.buffer)), name).toBe(true);
  }
  const strip = (h: typeof full.history) => h.map((e) => JSON.stringify(e.type === 'step' ? { ...e, seconds: 0, tokensPerSecond: 0 } : e));
  expect(strip(resumed.history)).toEqual(strip(full.history));
  expect(resumed.heldOut).toEqual(full.heldOut);
  expect(full.history.filter((e) => e.type === 'eval').map((e) => e.step)).toEqual([7, 14]);
  // Resuming under other settings is refused rather than mixing two runs.
  await expect(pretrain({ documents, tokenizer, config: { ...cfg, learningRate: 5e-4, outputDir: join(dir, `${sub}resumed`), resume: true } })).rejects.toThrow(/different pre-training settings/);
  const steps = full.history.filter((e) => e.type === 'step');
  const paired = (e: (typeof steps)[number]) => e.type === 'step' && e.nextSentenceAccuracy !== undefined;
  expect(steps.some(paired)).toBe(nextSentence);
  // Token-match figures appear exactly when the task is on: the corpus has pairs in every batch of 16.
  expect(steps.every((e) => e.type === 'step' && (e.tokenMatchAccuracy !== undefined) === tokenMatch > 0)).toBe(true);
  expect(full.heldOut.tokenMatchAccuracy !== undefined).toBe(tokenMatch > 0);
  // Grouped by length, a batch of short documents may hold no pair, and its step logs no next-sentence figures.
  if (!groupByLength) expect(steps.every((e) => paired(e) === nextSentence)).toBe(true);
  if (groupByLength) {
    // Grouping changes which documents share a step, so the run differs from the ungrouped one.
    const plain = await pretrain({ documents, tokenizer, config: { ...cfg, groupByLength: false, stopAfter: 10 } });
    plain.model.dispose();
    const loss = (h: typeof full.history) => h.filter((e) => e.type === 'step' && e.step === 10).map((e) => (e.type === 'step' ? e.loss : NaN));
    expect(loss(plain.history)).not.toEqual(loss(full.history));
  }
});

test("bias correction: Adam's corrected first step, and a checkpoint kept to its own setting", async () => {
  // One step from the same weights on the same batch: per element, Adam's update is m/(√v+ε) = g/(|g|+ε) with
  // correction and 0.1g/(√0.001·|g|+ε) without (BERT's). Both grow with |g|, to 1 and 0.1/√0.001 = 3.162, so
  // the two weights part by at most 2.162·lr, and by nearly that where the gradient is large against ε.
  const cfg = { ...config, steps: 1 };
  const bert = await pretrain({ documents, tokenizer, config: { ...cfg, outputDir: join(dir, 'adam-bert') } });
  const torch = await pretrain({ documents, tokenizer, config: { ...cfg, biasCorrection: true } });
  const weight = async (r: typeof bert) => (await r.model.bert.encoder.layer[0].output.dense.weight.data()) as Float32Array;
  const a = await weight(bert);
  const b = await weight(torch);
  const largest = Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i]) / cfg.learningRate));
  expect(largest).toBeGreaterThan(1.5); // 2.03 here: the largest gradients are about 7e-4, where ε still counts
  expect(largest).toBeLessThan(2.163);
  bert.model.dispose();
  torch.model.dispose();
  await expect(pretrain({ documents, tokenizer, config: { ...cfg, biasCorrection: true, outputDir: join(dir, 'adam-bert'), resume: true } })).rejects.toThrow(/different pre-training settings/);
});

test('with the next-sentence task the folder holds a trained pooler, which fine-tuning loads', async () => {
  const out = join(dir, 'nsp-model');
  const r = await pretrain({ documents, tokenizer, config: { ...config, nextSentence: true, steps: 4 } });
  expect(r.heldOut.nextSentenceAccuracy).toBeGreaterThanOrEqual(0);
  r.model.assets.set('vocab.txt', suite.vocabTxt());
  await r.model.save(out);
  const pooler = Array.from((await (r.model as BertForPreTraining).bert.pooler!.dense.weight.data()) as Float32Array);
  r.model.dispose();
  const clf = await BertForSequenceClassification.fromPretrained(out, { warn: false });
  expect(clf.loadReport!.missing.sort()).toEqual(['classifier.bias', 'classifier.weight']);
  expect(clf.loadReport!.unexpected.filter((n) => !n.startsWith('cls.'))).toEqual([]);
  expect(Array.from((await clf.bert.pooler!.dense.weight.data()) as Float32Array)).toEqual(pooler);
  clf.dispose();
});

test('token match: its head trains the encoder, is checkpointed but never saved, and a checkpoint without it is refused', async () => {
  const plain = await pretrain({ documents, tokenizer, config: { ...config, nextSentence: true, steps: 4, outputDir: join(dir, 'match-plain') } });
  const out = join(dir, 'match-model');
  const r = await pretrain({ documents, tokenizer, config: { ...config, nextSentence: true, steps: 4, tokenMatch: 1, outputDir: join(dir, 'match-ckpt') } });
  // The encoder differs from the run without the task (the head's gradient reaches it).
  const a = Array.from((await plain.model.bert.encoder.layer[0].output.dense.weight.data()) as Float32Array);
  const b = Array.from((await r.model.bert.encoder.layer[0].output.dense.weight.data()) as Float32Array);
  expect(b).not.toEqual(a);
  plain.model.dispose();
  const accuracy = r.heldOut.tokenMatchAccuracy!;
  expect(accuracy).toBeGreaterThanOrEqual(0);
  expect(accuracy).toBeLessThanOrEqual(1);
  // The held-out answers are mixed (each sentence of a document shares some words with the other, not all).
  expect(r.heldOut.tokenMatchAbsent).toBeGreaterThan(0.1);
  expect(r.heldOut.tokenMatchAbsent).toBeLessThan(0.9);
  const evals = r.history.filter((e) => e.type === 'eval');
  expect(evals.every((e) => e.type === 'eval' && Number.isFinite(e.tokenMatchLoss))).toBe(true);
  // The checkpoint holds the head (for exact resume); the saved model is plain BERT.
  const { parseSafetensors } = await import('@bamgpu/core');
  const ckpt = parseSafetensors(new Uint8Array(await readFile(join(dir, 'match-ckpt', 'checkpoint', 'model.safetensors'))), 'model.safetensors').tensors;
  expect([...ckpt.keys()].filter((n) => n.startsWith('token_match.')).sort()).toEqual(['token_match.classifier.bias', 'token_match.classifier.weight', 'token_match.dense.bias', 'token_match.dense.weight']);
  r.model.assets.set('vocab.txt', suite.vocabTxt());
  await r.model.save(out);
  r.model.dispose();
  const saved = parseSafetensors(new Uint8Array(await readFile(join(out, 'model.safetensors'))), 'model.safetensors').tensors;
  expect([...saved.keys()].filter((n) => n.includes('token_match'))).toEqual([]);
  const clf = await BertForSequenceClassification.fromPretrained(out, { warn: false });
  expect(clf.loadReport!.missing.sort()).toEqual(['classifier.bias', 'classifier.weight']);
  clf.dispose();
  // Resuming the plain run's checkpoint with the task on is refused for its settings, before any weight is read.
  await expect(pretrain({ documents, tokenizer, config: { ...config, nextSentence: true, steps: 4, tokenMatch: 1, outputDir: join(dir, 'match-plain'), resume: true } })).rejects.toThrow(/different pre-training settings/);
});

test('no GPU memory outlives a run but its model: with every side task, after 3 and after 9 steps', async () => {
  const { memory } = await import('@bamgpu/core');
  const cfg = { ...config, nextSentence: true, tokenMatch: 1, evalEvery: 2 };
  const warm = await pretrain({ documents, tokenizer, config: { ...cfg, steps: 2 } }); // first use fills any one-time caches
  warm.model.dispose();
  const before = memory();
  for (const steps of [3, 9]) {
    const r = await pretrain({ documents, tokenizer, config: { ...cfg, steps } });
    r.model.dispose();
    const after = memory();
    expect({ steps, buffers: after.liveBuffers, tensors: after.liveTensors }).toEqual({ steps, buffers: before.liveBuffers, tensors: before.liveTensors });
  }
});

test('learning happens: held-out masked-token loss falls well below where it started and below the uniform guess', async () => {
  const r = await pretrain({ documents, tokenizer, config: { ...config, steps: 60, evalEvery: 5, learningRate: 3e-3 } });
  r.model.dispose();
  const evals = r.history.filter((e) => e.type === 'eval').map((e) => e.loss);
  expect(evals.at(-1)!).toBeLessThan(evals[0] - 0.5);
  expect(evals.at(-1)!).toBeLessThan(Math.log(tokenizer.vocabSize));
});

test('bam pretrain writes an HF folder that BertForSequenceClassification loads with every encoder weight', async () => {
  const corpus = join(dir, 'corpus.txt');
  await writeFile(corpus, documents.map((d) => (d.textB ? `${d.textA}\t${d.textB}` : d.textA)).join('\n') + '\n\n');
  const out = join(dir, 'cli');
  const vocab = join(dir, 'vocab');
  await BertForSequenceClassification.fromConfig(bertConfig({ vocabSize: tokenizer.vocabSize, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32 })).save(vocab);
  await writeFile(join(vocab, 'vocab.txt'), suite.vocabTxt());
  const code = await main(['pretrain', '--out', out, '--corpus', corpus, '--model', vocab, '--steps', '6', '--batch-size', '16', '--held-out', '20', '--quiet']);
  expect(code).toBe(0);
  const log = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  expect(log[0]).toMatchObject({ type: 'start', totalSteps: 6, trainDocuments: 100, heldOutDocuments: 20 });
  expect(log.at(-1)).toMatchObject({ type: 'eval', step: 6 });
  const clf = await BertForSequenceClassification.fromPretrained(join(out, 'model'), { warn: false });
  expect(clf.loadReport!.missing.sort()).toEqual(['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'classifier.bias', 'classifier.weight']);
  // The weights that arrived are the pre-trained ones, not a fresh init.
  const saved = (await import('@bamgpu/core')).parseSafetensors(new Uint8Array(await readFile(join(out, 'model', 'model.safetensors'))), 'model.safetensors').tensors;
  const word = Array.from((await clf.bert.embeddings.word_embeddings.weight.data()) as Float32Array);
  const { toFloat32 } = await import('@bamgpu/core');
  expect(word).toEqual(Array.from(toFloat32(saved.get('bert.embeddings.word_embeddings.weight')!)));
  const start = await BertForSequenceClassification.fromPretrained(vocab, { warn: false });
  const before = Array.from((await start.bert.embeddings.word_embeddings.weight.data()) as Float32Array);
  expect(word).not.toEqual(before); // six steps of training moved them
  expect(await readFile(join(out, 'model', 'vocab.txt'), 'utf8')).toBe(suite.vocabTxt());
  clf.dispose();
  start.dispose();
});

test('bam pretrain takes the training texts of GLUE folders as its corpus (pairs as two segments)', async () => {
  const glue = await writeGlueFixtures(join(dir, 'glue'));
  const out = join(dir, 'glue-out');
  const code = await main(['pretrain', '--out', out, '--corpus', glue, '--tasks', 'CoLA,MRPC,STS-B', '--model', join(dir, 'vocab'), '--steps', '2', '--batch-size', '2', '--held-out', '0', '--quiet']);
  expect(code).toBe(0);
  const log = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  // Every training row of the three tasks, and no dev or test row.
  const rows = (t: string) => GLUE_FIXTURE_FILES[`${t}/train.tsv`].trim().split('\n').length - (t === 'CoLA' ? 0 : 1);
  expect(log[0]).toMatchObject({ type: 'start', trainDocuments: rows('CoLA') + rows('MRPC') + rows('STS-B'), heldOutDocuments: 0 });
});

test('a diverging run stops at the first non-finite loss, keeps its last good checkpoint and writes no model', async () => {
  // Finite but huge weights (a badly scaled checkpoint): the activations overflow to Inf, the loss to NaN.
  const huge = join(dir, 'huge');
  const m = BertForMaskedLM.fromConfig(bertConfig({ vocabSize: tokenizer.vocabSize, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32 }));
  m.loadStateDict(new Map([['bert.embeddings.LayerNorm.weight', new Float32Array(16).fill(3e38)]]));
  m.assets.set('vocab.txt', suite.vocabTxt());
  await m.save(huge);
  m.dispose();
  const out = join(dir, 'nan');
  const code = await main(['pretrain', '--out', out, '--corpus', join(dir, 'corpus.txt'), '--model', huge, '--steps', '30', '--batch-size', '16', '--held-out', '20', '--checkpoint-every', '1', '--quiet']);
  expect(code).toBe(1);
  const { readdir } = await import('node:fs/promises');
  const names = await readdir(out);
  expect(names).not.toContain('model');
  expect(names).not.toContain('checkpoint'); // step 1 already diverged: there was no good state to keep
  const log = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  for (const e of log) if (e.type === 'step') expect(Number.isFinite(e.loss)).toBe(true);
  // A rerun into a folder with a checkpoint, without --resume or --overwrite, is refused rather than replacing it.
  const again = ['pretrain', '--out', join(dir, 'cli'), '--corpus', join(dir, 'corpus.txt'), '--model', join(dir, 'vocab'), '--steps', '6', '--batch-size', '16', '--held-out', '20', '--quiet'];
  const before = await readFile(join(dir, 'cli', 'checkpoint', 'model.safetensors'));
  expect(await main(again)).toBe(1);
  expect((await readFile(join(dir, 'cli', 'checkpoint', 'model.safetensors'))).equals(before)).toBe(true);
});

test('bad settings are refused before any training, naming the setting', async () => {
  await expect(pretrain({ documents, tokenizer, config: { ...config, batchSize: 0 } })).rejects.toThrow(/batchSize must be a positive integer/);
  await expect(pretrain({ documents, tokenizer, config: { ...config, learningRate: -1 } })).rejects.toThrow(/learningRate/);
  await expect(pretrain({ documents, tokenizer, config: { ...config, groupByLength: 'yes' as unknown as boolean } })).rejects.toThrow(/groupByLength must be true or false/);
  await expect(pretrain({ documents, tokenizer, config: { ...config, tokenMatch: -1 } })).rejects.toThrow(/tokenMatch must be in \[0, 100\], got -1/);
  await expect(pretrain({ documents, tokenizer, config: { ...config, biasCorrection: 1 as unknown as boolean } })).rejects.toThrow(/biasCorrection must be true or false, got 1/);
  expect(await main(['pretrain', '--out', join(dir, 'x'), '--steps', '5', '--epochs', '1'])).toBe(2);
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  expect(await main(['pretrain', '--out', join(dir, 'x'), '--steps', '5', '--token-match', '-0.5'])).toBe(2);
  expect(await main(['pretrain', '--out', join(dir, 'y'), '--steps', '5', '--corpus-version', '3'])).toBe(2);
  expect(await main(['demo', '--out', join(dir, 'z'), '--corpus-version', '0'])).toBe(2);
  const said = err.mock.calls.flat().join('\n');
  err.mockRestore();
  expect(said).toMatch(/--token-match must be .*≥ 0.*got -0\.5/);
  expect(said).toMatch(/--corpus-version must be an integer ≥ 1 and ≤ 2, got 3/);
  expect(said).toMatch(/--corpus-version must be an integer ≥ 1 and ≤ 2, got 0/);
  expect(await exists(join(dir, 'y'))).toBe(false);
  expect(await exists(join(dir, 'z'))).toBe(false);
});
