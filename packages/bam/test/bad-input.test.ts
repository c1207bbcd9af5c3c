/**
 * The bad-input catalogue (issue 12): each case is a bad setting, file or
 * fault that once gave a silent wrong result, a crash or a hang, and must now
 * end in a clear error (naming the key, file, line, step or tensor) or a
 * correct result, leaving no NaN tensor and no half-written file behind.
 * docs/reliability.md lists the same cases. GPU cases run at toy size.
 */
import { spawnSync } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseSafetensors, serializeSafetensors, toFloat32 } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { BertForSequenceClassification, BertMultiTask, BertTokenizer, bertConfig } from '@bamgpu/bert/node';
import { parseArgs } from '../src/cli/args.js';
import { evalCommand } from '../src/cli/predict.js';
import { resolveReferenceHparams } from '../src/cli/reference-hparams.js';
import { runReference } from '../src/cli/run-reference.js';
import { trainCommand } from '../src/cli/train.js';
import { TRAIN_OPTION_SPECS, readConfigFile } from '../src/cli/train-options.js';
import { parseGlueSplit } from '../src/glue/parse-split.js';
import { makeDir, writeFileNamed } from '../src/io/fs-safe.js';
import { writePickle } from '../src/io/pickle.js';
import { generateSyntheticGlue } from '../src/synthetic/index.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../src/train/config.js';
import { featurize } from '../src/train/features.js';
import { assertFinite } from '../src/train/finite-guard.js';
import { LOCK_FILE, lockOutputDir, removeLeftovers } from '../src/train/output-lock.js';
import { loadGlueTask } from '../src/train/sources.js';
import { fromSynthetic } from '../src/train/task.js';
import { readTeacherPredictions } from '../src/train/teachers.js';
import { missingEncoderWeights, train } from '../src/train/trainer.js';
import { validateTrainConfig } from '../src/train/validate-config.js';
import { GLUE_FIXTURE_FILES, writeGlueFixtures } from './helpers/glue-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bam-bad-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (p: string) => access(p).then(() => true, () => false);
/** A fresh folder under the test's temporary root. */
let n = 0;
const fresh = async () => {
  const d = join(dir, `case-${n++}`);
  await mkdir(d, { recursive: true });
  return d;
};
/** bam train at toy size on one synthetic task; `extra` flags come last and win. */
const tinyTrain = (out: string, ...extra: string[]) =>
  trainCommand(['--out', out, '--tasks', 'syn-sentiment', '--scale', '0.02', '--hidden', '16', '--layers', '1', '--max-seq-length', '32', '--batch-size', '8', '--quiet', ...extra]);

describe('settings are validated before any work, naming the key', () => {
  test.each([
    [['--batch-size', '0'], /--batch-size must be an integer ≥ 1, got 0/],
    [['--batch-size', '-4'], /--batch-size must be an integer ≥ 1, got -4/],
    [['--epochs', '0'], /--epochs must be a number > 0, got 0/],
    [['--epochs', '-1'], /--epochs must be a number > 0, got -1/],
    [['--lr', '-1e-4'], /--lr must be a number > 0, got -0.0001/],
    [['--quiet=maybe'], /--quiet takes no value \(or =true \/ =false\), got "maybe"/],
    [['stray'], /unexpected argument "stray"/],
    [['--mix', 'roundrobin'], /--mix must be one of sample, reference; got the string "roundrobin"/],
  ])('bam train %j', async (flags, message) => {
    const out = join(dir, 'never-made');
    await expect(tinyTrain(out, ...flags)).rejects.toThrow(message);
    expect(await exists(out)).toBe(false); // refused before the output folder was touched
  });

  test('eval --batch-size 0', async () => {
    await expect(evalCommand(['--model', join(dir, 'no-model'), '--batch-size', '0'])).rejects.toThrow(/--batch-size must be an integer ≥ 1, got 0/);
  });

  test('bool flags accept only true/false; --flag=false is false', () => {
    expect(parseArgs(['--quiet=false'], TRAIN_OPTION_SPECS, 't').options.quiet).toBe(false);
    expect(() => parseArgs(['--no-quiet=1'], TRAIN_OPTION_SPECS, 't')).toThrow(/--no-quiet takes no value/);
  });

  test('bam run hparams: wrong types and ranges are refused by key', () => {
    const run = (h: object) => () => resolveReferenceHparams('m', JSON.stringify({ task_names: ['rte'], ...h }));
    expect(run({ learning_rate: 'abc' })).toThrow(/hparams "learning_rate": must be a number > 0, got the string "abc"/);
    expect(run({ debug: 'false' })).toThrow(/hparams "debug": must be true or false \(a boolean\), got the string "false"/);
    expect(run({ predict_batch_size: 0 })).toThrow(/hparams "predict_batch_size": must be an integer ≥ 1, got 0/);
    expect(run({ task_names: ['rte', 3] })).toThrow(/hparams "task_names": \[1\] must be a string, got 3/);
    expect(run({ debug: false }).call(null).debug).toBe(false);
  });

  test('bam run refuses a stray fourth argument', async () => {
    await expect(runReference(['m', dir, '{}', 'extra'])).rejects.toThrow(/takes exactly 3 arguments/);
  });

  test('--config files: unknown mix.strategy, wrong types, unknown nested keys name the file and key', async () => {
    const d = await fresh();
    const cases: [object, RegExp][] = [
      [{ mix: { strategy: 'bogus', alpha: 0.75 } }, /--config .*bad\.json: mix\.strategy must be one of sample, reference; got the string "bogus"/],
      [{ learningRate: 'abc' }, /--config .*bad\.json: learningRate must be a number > 0, got the string "abc"/],
      [{ mix: { strategy: 'sample', alpha: 1, beta: 2 } }, /mix has unknown key "beta"/],
      [{ targets: { kind: 'fixed', teacherWeight: 2 } }, /targets\.teacherWeight must be a number ≥ 0 and ≤ 1, got 2/],
      [{ outputDir: '/elsewhere' }, /unknown key "outputDir"/],
    ];
    for (const [cfg, message] of cases) {
      await writeFile(join(d, 'bad.json'), JSON.stringify(cfg));
      await expect(readConfigFile(join(d, 'bad.json'))).rejects.toThrow(message);
    }
  });

  test('train() itself refuses an invalid TrainConfig built in code', () => {
    const cfg = { ...DEFAULT_TRAIN_CONFIG, init: { pretrained: 'x' }, targets: { kind: 'gold' }, batchSize: 0 } as TrainConfig;
    expect(() => validateTrainConfig(cfg)).toThrow(/train config: batchSize must be an integer ≥ 1, got 0/);
    expect(() => validateTrainConfig({ ...cfg, batchSize: 8, resume: true, overwrite: true })).toThrow(/resume and overwrite exclude each other/);
    expect(() => validateTrainConfig({ ...cfg, batchSize: 8 })).not.toThrow();
  });
});

describe('non-finite values', () => {
  test('assertFinite names the step, what and the key', () => {
    expect(() => assertFinite({ 'task "rte"': 0.5, 'task "mrpc"': NaN }, { step: 40, what: 'training loss' })).toThrow(/^step 40: training loss \(task "mrpc"\) is NaN/);
    expect(() => assertFinite(-Infinity, { step: 3, what: 'gradient norm' })).toThrow(/^step 3: gradient norm is -Infinity/);
    expect(() => assertFinite({ a: 1, b: 2 }, { what: 'x' })).not.toThrow();
  });

  test('NaN teacher logits are refused at load, naming the example', async () => {
    const d = await fresh();
    const path = join(d, 'rte_train_predictions_1.pkl');
    await writeFile(path, writePickle(new Map([[0, [0.1, 0.2]], [1, [NaN, 0.3]]])));
    await expect(readTeacherPredictions(path, 'rte')).rejects.toThrow(/rte_train_predictions_1\.pkl: prediction for example 1, logit 0, is NaN/);
  });
});

describe('output folders', () => {
  test('a live run holds the folder; a dead one\'s lock is taken over', async () => {
    const d = await fresh();
    // The parent process is alive: its lock is respected.
    await writeFile(join(d, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), started: 'then' }));
    await expect(lockOutputDir(d)).rejects.toThrow(new RegExp(`in use by another run \\(pid ${process.ppid} on `));
    // A finished process's pid: the lock is stale and taken over.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    await writeFile(join(d, LOCK_FILE), JSON.stringify({ pid: gone, host: hostname(), started: 'then' }));
    const release = await lockOutputDir(d);
    expect(JSON.parse(await readFile(join(d, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    const again = await lockOutputDir(d); // re-entrant within one process
    await again();
    expect(await exists(join(d, LOCK_FILE))).toBe(true);
    await release();
    expect(await exists(join(d, LOCK_FILE))).toBe(false);
  });

  test('a rerun without --resume or --overwrite does not overwrite a checkpoint', async () => {
    const d = await fresh();
    await mkdir(join(d, 'checkpoint'));
    await writeFile(join(d, 'checkpoint', 'trainer_state.json'), '{}');
    await expect(tinyTrain(d)).rejects.toThrow(/checkpoint exists: pass --resume to continue that run, or --overwrite/);
    expect(await readdir(d)).toEqual(['checkpoint']); // the lock is released, nothing else written
  });

  test('leftovers of a killed run are removed', async () => {
    const d = await fresh();
    for (const p of ['checkpoint.tmp-123-456/x', 'model/model.safetensors.0b1c.tmp', 'outputs/rte_train_predictions_1.pkl.tmp-77', 'checkpoint/model.safetensors']) {
      await mkdir(join(d, p, '..'), { recursive: true });
      await writeFile(join(d, p), 'x');
    }
    await writeFile(join(d, 'dev_results.json.tmp-99'), 'x');
    const removed = await removeLeftovers(d);
    expect(removed.length).toBe(4);
    expect((await readdir(d)).sort()).toEqual(['checkpoint', 'model', 'outputs']);
    expect(await readdir(join(d, 'checkpoint'))).toEqual(['model.safetensors']);
  });

  test('a full disk and an impossible folder are errors naming the path, not a hang', async () => {
    await expect(writeFileNamed('/dev/full', 'x')).rejects.toThrow(/cannot write \/dev\/full: ENOSPC/);
    if (await exists('/proc/self')) await expect(makeDir('/proc/x/y')).rejects.toThrow(/cannot create folder \/proc\/x/);
  });
});

describe('data files', () => {
  const qqpHeader = GLUE_FIXTURE_FILES['QQP/train.tsv'].split('\n')[0];

  test('skipped QQP rows are counted per file and later ids do not shift', async () => {
    const glue = await writeGlueFixtures(join(dir, 'glue'));
    const notes: string[] = [];
    const task = await loadGlueTask(glue, 'qqp', { report: (l) => notes.push(l) });
    expect(notes).toEqual([expect.stringMatching(/QQP\/train\.tsv: skipped 2 row\(s\) with too few fields \(line 4, 5\)/)]);
    const tokenizer = new BertTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]'], { lowercase: true });
    expect(featurize(task, 0, task.train, tokenizer, 16).map((f) => f.eid)).toEqual([0, 1, 4]);
  });

  test('a missing header, a wrong header name, invalid UTF-8 and a duplicate test index name file and line', async () => {
    const body = GLUE_FIXTURE_FILES['QQP/train.tsv'].split('\n').slice(1).join('\n');
    expect(() => parseGlueSplit(body, 'QQP', 'train', 'q.tsv')).toThrow(/^q\.tsv:1: the header row is missing: line 1 is a data row/);
    const renamed = qqpHeader.replace('is_duplicate', 'question3');
    expect(() => parseGlueSplit(`${renamed}\n`, 'QQP', 'train', 'q.tsv')).toThrow(/^q\.tsv:1: header column 6 is "question3"/);
    expect(() => parseGlueSplit('index\tsentence1\tsentence2\n0\ta\tb\n0\tc\td\n', 'RTE', 'test', 't.tsv')).toThrow(/^t\.tsv:3: index 0 appears twice/);
    const glue = await writeGlueFixtures(join(dir, 'glue-latin1'));
    const rte = join(glue, 'RTE', 'train.tsv');
    const good = await readFile(rte);
    const line3 = good.indexOf(0x0a, good.indexOf(0x0a) + 1) + 1;
    await writeFile(rte, Buffer.concat([good.subarray(0, line3 + 2), Buffer.from([0xe9]), good.subarray(line3 + 2)]));
    await expect(loadGlueTask(glue, 'rte')).rejects.toThrow(/RTE\/train\.tsv:3: invalid UTF-8 \(byte 0xe9 at byte 3 of the line\)/);
  });

  test('a malformed test file is an error, not "no test file"', async () => {
    const glue = await writeGlueFixtures(join(dir, 'glue-badtest'));
    await writeFile(join(glue, 'RTE', 'test.tsv'), 'index\tsentence1\tsentence2\n0\tonly two\n');
    await expect(loadGlueTask(glue, 'rte', { withTest: true })).rejects.toThrow(/RTE\/test\.tsv:2: row has 2 fields/);
  });
});

describe('training (toy size, on the GPU)', () => {
  const suite = generateSyntheticGlue({ seed: 1, scale: 0.02 });
  const tokenizer = new BertTokenizer(suite.vocabTxt().split('\n').filter(Boolean), { lowercase: true });
  const tasks = suite.tasks.filter((t) => t.name === 'syn-sentiment').map(fromSynthetic);
  const shape = { hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 64 };
  const base: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    init: { config: bertConfig({ vocabSize: tokenizer.vocabSize, ...shape }) },
    targets: { kind: 'gold' },
    maxSeqLength: 32,
    batchSize: 8,
    epochs: 1,
    progress: false,
  };
  let pretrained: string;
  beforeAll(async () => {
    await initNode();
    // A tiny "pretrained" BERT in Hugging Face layout.
    pretrained = join(dir, 'pretrained');
    const m = BertForSequenceClassification.fromConfig(bertConfig({ vocabSize: tokenizer.vocabSize, ...shape }));
    await m.save(pretrained);
    m.dispose();
  });

  /** Rewrites the pretrained folder's weights through `edit` into a new folder. */
  async function variant(name: string, edit: (tensors: [string, Float32Array, number[]][]) => [string, Float32Array, number[]][]): Promise<string> {
    const out = join(dir, name);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'config.json'), await readFile(join(pretrained, 'config.json')));
    const parsed = parseSafetensors(new Uint8Array(await readFile(join(pretrained, 'model.safetensors'))), 'w');
    const tensors = edit([...parsed.tensors].map(([n, e]) => [n, new Float32Array(toFloat32(e)), e.shape]));
    await writeFile(join(out, 'model.safetensors'), serializeSafetensors(tensors.map(([n, d, s]) => [n, { dtype: 'F32', shape: s, data: d }] as const), { format: 'pt' }));
    return out;
  }

  test('a diverging run (--lr 1e30) stops naming the step and task; the last checkpoint is good, no model or predictions written', async () => {
    const out = await fresh();
    await expect(tinyTrain(out, '--lr', '1e30', '--epochs', '3', '--checkpoint-every', '1')).rejects.toThrow(
      /^step (\d+): (training loss \(task "syn-sentiment"\)|gradient norm) is (NaN|Infinity|-Infinity); training stopped/,
    );
    expect((await readdir(out)).sort()).toEqual(['checkpoint', 'metrics.jsonl']);
    const weights = parseSafetensors(new Uint8Array(await readFile(join(out, 'checkpoint', 'model.safetensors'))), 'ckpt');
    for (const [name, e] of weights.tensors) expect(toFloat32(e).every(Number.isFinite), name).toBe(true);
    expect(await readFile(join(out, 'metrics.jsonl'), 'utf8')).not.toMatch(/null/);
  });

  test('a NaN weight in the starting checkpoint is refused, naming the tensor', async () => {
    const bad = await variant('nan-weights', (ts) => ts.map(([n, d, s]) => {
      if (n.endsWith('attention.self.query.weight')) d[5] = NaN;
      return [n, d, s];
    }));
    await expect(BertMultiTask.fromPretrained(bad, { warn: false, tasks: [{ name: 't', numLabels: 2 }] })).rejects.toThrow(/tensor "[^"]*attention\.self\.query\.weight" holds NaN at element 5/);
  });

  test('a checkpoint missing encoder weights is refused unless allowed; a missing pooler is fine', async () => {
    expect(missingEncoderWeights(['bert.pooler.dense.weight', 'heads.rte.bias', 'bert.encoder.layer.0.output.dense.bias'])).toEqual(['bert.encoder.layer.0.output.dense.bias']);
    const one = await variant('one-tensor', (ts) => ts.filter(([n]) => n.endsWith('word_embeddings.weight')));
    const cfg: TrainConfig = { ...base, init: { pretrained: one }, stopAfter: 1 };
    await expect(train({ tasks, tokenizer, config: cfg })).rejects.toThrow(/one-tensor: the checkpoint lacks \d+ encoder weight\(s\).*--allow-missing-weights/);
    const r = await train({ tasks, tokenizer, config: { ...cfg, allowMissingWeights: true } });
    expect(r.steps).toBe(1);
    r.model.dispose();
  });

  test('resuming a finished run logs no second final eval; a checkpoint claiming an impossible step is refused', async () => {
    const out = await fresh();
    const cfg: TrainConfig = { ...base, outputDir: out };
    const first = await train({ tasks, tokenizer, config: cfg });
    first.model.dispose();
    const again = await train({ tasks, tokenizer, config: { ...cfg, resume: true } });
    again.model.dispose();
    expect(again.dev).toEqual(first.dev);
    const evals = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').filter((l) => JSON.parse(l).type === 'eval');
    expect(evals).toHaveLength(1);
    const stateFile = join(out, 'checkpoint', 'trainer_state.json');
    const state = JSON.parse(await readFile(stateFile, 'utf8'));
    await writeFile(stateFile, JSON.stringify({ ...state, step: 5000 }));
    await expect(train({ tasks, tokenizer, config: { ...cfg, resume: true } })).rejects.toThrow(new RegExp(`trainer_state\\.json: trainer state "step" is 5000, past totalSteps ${state.totalSteps}`));
  });
});
