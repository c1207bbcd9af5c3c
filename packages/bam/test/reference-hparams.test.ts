import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { EXTENSION_HPARAMS, HparamsError, referenceDefaults, resolveReferenceHparams } from '../src/cli/reference-hparams.js';
import { referenceLayerCount, referenceTokenizer, referenceTrainConfig } from '../src/cli/run-reference.js';
import { parseArgs } from '../src/cli/args.js';
import { TRAIN_OPTION_SPECS, applyTrainFlags } from '../src/cli/train-options.js';
import { DEFAULT_TRAIN_CONFIG } from '../src/train/config.js';
import { validateConfigFile } from '../src/train/validate-config.js';
import { SettingsError } from '../src/settings/rules.js';

describe('hparams as configure.py applies them', () => {
  test('unknown keys are refused, listing the valid ones', () => {
    expect(() => resolveReferenceHparams('m', '{"task_names": ["rte"], "learning_rat": 1}')).toThrow(/hparams "learning_rat": unknown argument.*valid keys: model_name, debug/);
    expect(() => resolveReferenceHparams('m', '{"n_tasks": 2}')).toThrow(HparamsError);
  });

  test('single-task defaults apply unless given explicitly; debug defaults too', () => {
    const single = resolveReferenceHparams('m', '{"task_names": ["rte"]}');
    expect([single.train_batch_size, single.num_train_epochs, single.learning_rate, single.dataset_multiples]).toEqual([32, 3, 5e-5, false]);
    const explicit = resolveReferenceHparams('m', '{"task_names": ["rte"], "learning_rate": 2e-5}');
    expect(explicit.learning_rate).toBe(2e-5);
    const multi = resolveReferenceHparams('m', '{"task_names": ["rte", "mrpc"]}');
    expect([multi.train_batch_size, multi.learning_rate, multi.dataset_multiples]).toEqual([128, 1e-4, true]);
    expect(() => resolveReferenceHparams('m', '{"task_names": ["rte"], "distill": true}')).toThrow(/hparams "teachers": distill is on but there is no model for: rte/);
  });

  test.each<[string, string, RegExp]>([
    ['a string for a flag', '{"debug": "false"}', /hparams "debug": must be true or false \(a boolean\), got the string "false"/],
    ['a string for a number', '{"learning_rate": "abc"}', /hparams "learning_rate": must be a number > 0, got the string "abc"/],
    ['null task names', '{"task_names": null}', /hparams "task_names": must be a list, got null/],
    ['a task name that is not a string', '{"task_names": ["rte", 3]}', /hparams "task_names": \[1\] must be a string, got 3/],
    ['an empty task list', '{"task_names": []}', /hparams "task_names": must not be empty/],
    ['a zero batch size', '{"predict_batch_size": 0}', /hparams "predict_batch_size": must be an integer ≥ 1, got 0/],
    ['teachers as a string', '{"distill": true, "teachers": "rte"}', /hparams "teachers": must be an object, got the string "rte"/],
    ['a number for a nullable string', '{"tpu_name": 3}', /hparams "tpu_name": must be a string, got 3/],
    ['an array', '[1]', /^hparams: must be a JSON object/],
    ['invalid JSON', '{"debug": tru', /^hparams: not valid JSON/],
  ])('refuses %s with a HparamsError naming the key', (_what, json, message) => {
    const run = () => resolveReferenceHparams('m', json);
    expect(run).toThrow(HparamsError);
    expect(run).toThrow(SettingsError); // so `bam run` reports it as a usage error (exit 2)
    expect(run).toThrow(message);
  });

  test('a teacher named "toString" is not found on the object prototype', () => {
    expect(() => resolveReferenceHparams('m', '{"task_names": ["toString"], "distill": true}')).toThrow(/no model for: toString/);
  });
});

test('a key holding quotes is JSON-quoted in the message (a fuzz finding)', () => {
  expect(() => resolveReferenceHparams('m', '{"\\"":""}')).toThrow(/^hparams "\\"": unknown argument/);
});

describe('bam run: what the reference refuses or derives', () => {
  test('task names: lowercase reference names only (task_builder raises "Unknown task"), so no WNLI and no RTE', () => {
    for (const t of ['wnli', 'RTE', 'SST-2']) {
      expect(() => resolveReferenceHparams('m', JSON.stringify({ task_names: ['rte', t] }))).toThrow(new RegExp(`hparams "task_names": unknown task "${t}"; the reference knows only cola, mnli`));
    }
  });

  test('keep_model is an extension key, off by default', () => {
    expect(resolveReferenceHparams('m', '{}').keep_model).toBe(false);
    expect(resolveReferenceHparams('m', '{"keep_model": true}').keep_model).toBe(true);
    expect(EXTENSION_HPARAMS).toEqual(['keep_model']);
  });

  test("the layer count of the layer-wise rates comes from the model name, as _get_edecay_lrs reads it", () => {
    // Debug mode builds 3 layers but the default name says 12: the reference uses 12.
    expect(referenceLayerCount({ pretrained_model_name: 'uncased_L-12_H-768_A-12', lr_decay: 0.9 }, 3)).toBe(12);
    expect(referenceLayerCount({ pretrained_model_name: 'cased_L-24_H-1024_A-16', lr_decay: 0.9 }, 24)).toBe(24);
    // Extension: a name without L-<n> (the reference would crash) takes the config's count.
    expect(referenceLayerCount({ pretrained_model_name: 'bert-base-uncased', lr_decay: 0.9 }, 12)).toBe(12);
    expect(referenceLayerCount({ pretrained_model_name: 'uncased_L-12_H-768_A-12', lr_decay: 0 }, 3)).toBeNull();
    expect(() => referenceLayerCount({ pretrained_model_name: 'x_L-2_H-8', lr_decay: 0.9 }, 4)).toThrow(/names 2 layer\(s\) but the model has 4/);
  });

  test("a trial's training settings are the reference's: BERT schedule, Glorot heads, padding shuffled in each epoch, L from the name", () => {
    const h = resolveReferenceHparams('m', '{"debug": true, "task_names": ["rte"]}');
    const c = referenceTrainConfig(h, { pretrained: '/p' }, referenceLayerCount(h, 3), 2, '/ck');
    expect([c.schedule, c.headInit, c.mix.reshuffleEachEpoch, c.layerwiseLayers, c.biasCorrection, c.maxGradNorm, c.seed]).toEqual(['bert', 'glorot-uniform', true, 12, false, 1, 2]);
    expect([c.batchSize, c.epochs, c.learningRate, c.warmupProportion, c.layerwiseDecay, c.weightDecay]).toEqual([32, 3, 5e-5, 0.1, 0.9, 0.01]);
  });

  test('do_lower_case false keeps case and accents, as FullTokenizer(do_lower_case=False)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bam-tok-'));
    await writeFile(join(dir, 'vocab.txt'), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'Café', 'cafe'].join('\n') + '\n');
    // A tokenizer_config.json saying otherwise is not what the reference reads.
    await writeFile(join(dir, 'tokenizer_config.json'), '{"do_lower_case": true}');
    expect((await referenceTokenizer(dir, false)).tokenize('Café')).toEqual(['Café']);
    expect((await referenceTokenizer(dir, true)).tokenize('Café')).toEqual(['cafe']);
    await rm(dir, { recursive: true, force: true });
  });
});

test('docs/bam-reference.md tables every hparam key once, in the group its handling puts it', async () => {
  const doc = await readFile(fileURLToPath(new URL('../../../docs/bam-reference.md', import.meta.url)), 'utf8');
  const section = doc.slice(doc.indexOf('## 7.'));
  const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (identical|extension|no effect) \|/gm)].map((m) => [m[1], m[2]] as const);
  const keys = Object.keys(referenceDefaults('m')).sort();
  expect(rows.map(([k]) => k).sort()).toEqual(keys);
  for (const [k, group] of rows) expect(group === 'extension', k).toBe(EXTENSION_HPARAMS.includes(k as keyof ReturnType<typeof referenceDefaults>));
  // Keys the reference itself never reads beyond their own setting (pretrained) or that only matter on a TPU.
  const noEffect = rows.filter(([, g]) => g === 'no effect').map(([k]) => k).sort();
  expect(noEffect).toEqual(['eval_batch_size', 'gcp_project', 'iterations_per_loop', 'num_tpu_cores', 'pretrained', 'tpu_name', 'tpu_zone', 'use_tfrecords_if_existing', 'use_tpu'].sort());
});

test("bam train / bam experiment keep Hugging Face's schedule unless --schedule bert or a config file's \"schedule\" says otherwise", () => {
  const parsed = (argv: string[]) => applyTrainFlags(DEFAULT_TRAIN_CONFIG, parseArgs(argv, TRAIN_OPTION_SPECS, 't').options);
  expect(parsed([]).schedule).toBeUndefined(); // the trainer reads undefined as 'hf'
  expect(DEFAULT_TRAIN_CONFIG.schedule).toBeUndefined();
  expect(parsed(['--schedule', 'bert']).schedule).toBe('bert');
  expect(() => parsed(['--schedule', 'cosine'])).toThrow(/--schedule.*must be one of hf, bert/);
  expect(validateConfigFile({ schedule: 'bert' }, 'c.json').schedule).toBe('bert');
  expect(() => validateConfigFile({ schedule: 'linear' }, 'c.json')).toThrow(/--config c\.json: schedule must be one of hf, bert/);
});
