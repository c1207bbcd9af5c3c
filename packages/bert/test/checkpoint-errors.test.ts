// Bad checkpoint folders and configs fail with errors that name the file,
// the key or tensor, and what was expected.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initNode, memory, parseSafetensors, serializeSafetensors, toFloat32, type SafetensorsInput } from '@bamgpu/core/node';
import { BertConfigError, bertConfig, parseBertConfigText } from '../src/config.js';
import { CheckpointError } from '../src/checkpoint/errors.js';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';
import '../src/node.js'; // local folders by path

const FIXTURE = fileURLToPath(new URL('./fixtures/reference/tiny-a/', import.meta.url));

let tmp: string;
let configText: string;
beforeAll(async () => {
  await initNode();
  tmp = await mkdtemp(join(tmpdir(), 'bert-checkpoint-errors-'));
  configText = await readFile(join(FIXTURE, 'config.json'), 'utf8');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function folder(name: string, files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir);
  for (const [file, data] of Object.entries(files)) await writeFile(join(dir, file), data);
  return dir;
}

function load(dir: string): Promise<BertForSequenceClassification> {
  return BertForSequenceClassification.fromPretrained(dir, { warn: false });
}

describe('missing files', () => {
  test('a folder that does not exist', async () => {
    const dir = join(tmp, 'nope');
    await expect(load(dir)).rejects.toThrow(new CheckpointError(`checkpoint folder not found: ${dir}`));
  });

  test('no config.json', async () => {
    const dir = await folder('no-config', { 'model.safetensors': await readFile(join(FIXTURE, 'model.safetensors')) });
    await expect(load(dir)).rejects.toThrow(`${join(dir, 'config.json')} not found`);
  });

  test('no weights, and a hint for pytorch_model.bin', async () => {
    const dir = await folder('no-weights', { 'config.json': configText, 'pytorch_model.bin': 'x' });
    await expect(load(dir)).rejects.toThrow(/no weights in .*no-weights: neither model\.safetensors nor model\.safetensors\.index\.json exists \(pytorch_model\.bin is not supported/);
  });

  test('a shard listed in the index but absent', async () => {
    const index = JSON.stringify({ weight_map: { 'classifier.bias': 'model-00001-of-00001.safetensors' } });
    const dir = await folder('missing-shard', { 'config.json': configText, 'model.safetensors.index.json': index });
    await expect(load(dir)).rejects.toThrow(`${join(dir, 'model-00001-of-00001.safetensors')} not found (listed in ${join(dir, 'model.safetensors.index.json')})`);
  });

  test('a shard name that is a path', async () => {
    const index = JSON.stringify({ weight_map: { 'classifier.bias': '../elsewhere.safetensors' } });
    const dir = await folder('path-shard', { 'config.json': configText, 'model.safetensors.index.json': index });
    await expect(load(dir)).rejects.toThrow('weight_map["classifier.bias"] must be a file name in the folder, got "../elsewhere.safetensors"');
  });
});

describe('bad tensors', () => {
  test('a wrong shape names the tensor, the file and both shapes, and loads nothing', async () => {
    const parsed = parseSafetensors(new Uint8Array(await readFile(join(FIXTURE, 'model.safetensors'))), 'fixture');
    const tensors: [string, SafetensorsInput][] = [...parsed.tensors].map(([n, e]) => [n, { dtype: 'F32', shape: e.shape, data: toFloat32(e) }]);
    const i = tensors.findIndex(([n]) => n === 'bert.encoder.layer.1.intermediate.dense.weight');
    tensors[i] = [tensors[i][0], { dtype: 'F32', shape: [32, 64], data: toFloat32(parsed.tensors.get(tensors[i][0])!) }];
    const dir = await folder('bad-shape', { 'config.json': configText, 'model.safetensors': serializeSafetensors(tensors) });
    const before = memory().liveBuffers;
    await expect(load(dir)).rejects.toThrow(
      `${join(dir, 'model.safetensors')}: tensor "bert.encoder.layer.1.intermediate.dense.weight" has shape [32, 64] but the model expects [64, 32]`,
    );
    // The half-built model was freed.
    expect(memory().liveBuffers).toBe(before);
  });

  test('an integer tensor where a weight belongs', async () => {
    const tensors: [string, SafetensorsInput][] = [['classifier.bias', { dtype: 'I32', shape: [3], data: new Int32Array(3) }]];
    const dir = await folder('int-weight', { 'config.json': configText, 'model.safetensors': serializeSafetensors(tensors) });
    await expect(load(dir)).rejects.toThrow(/model\.safetensors: tensor "classifier\.bias" has dtype I32/);
  });

  test('a corrupt safetensors file names the file', async () => {
    const dir = await folder('corrupt', { 'config.json': configText, 'model.safetensors': new Uint8Array([1, 2, 3]) });
    await expect(load(dir)).rejects.toThrow(`${join(dir, 'model.safetensors')}: file is 3 bytes`);
  });
});

describe('config.json', () => {
  const base = (): Record<string, unknown> => JSON.parse(configText) as Record<string, unknown>;
  const parse = (edit: (c: Record<string, unknown>) => void) => {
    const c = base();
    edit(c);
    return () => parseBertConfigText(JSON.stringify(c), '/m/config.json');
  };

  test('reads the fixture', () => {
    const c = parseBertConfigText(configText, 'config.json');
    expect(c).toMatchObject({
      vocabSize: 60, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64, hiddenAct: 'gelu',
      maxPositionEmbeddings: 24, typeVocabSize: 2, layerNormEps: 1e-12, padTokenId: 0, numLabels: 3,
      id2label: ['negative', 'neutral', 'positive'], problemType: 'single_label_classification', classifierDropout: null,
    });
    expect(c.extra).toMatchObject({ architectures: ['BertForSequenceClassification'], torch_dtype: 'float32' });
  });

  test.each([
    ['hidden_act', (c: Record<string, unknown>) => (c.hidden_act = 'gelu_new'), '/m/config.json: "hidden_act" is "gelu_new"; only "gelu" (the exact erf GELU) is supported'],
    ['hidden_act relu', (c: Record<string, unknown>) => (c.hidden_act = 'relu'), '"hidden_act" is "relu"'],
    ['heads', (c: Record<string, unknown>) => (c.num_attention_heads = 5), '/m/config.json: "num_attention_heads" (5) must divide hidden_size (32)'],
    ['non-integer', (c: Record<string, unknown>) => (c.hidden_size = 32.5), '/m/config.json: "hidden_size" must be a positive integer, got 32.5'],
    ['zero', (c: Record<string, unknown>) => (c.num_hidden_layers = 0), '"num_hidden_layers" must be a positive integer, got 0'],
    ['string', (c: Record<string, unknown>) => (c.vocab_size = '60'), '"vocab_size" must be a positive integer, got "60"'],
    ['missing', (c: Record<string, unknown>) => delete c.hidden_size, '/m/config.json: missing required key "hidden_size"'],
    ['dropout', (c: Record<string, unknown>) => (c.hidden_dropout_prob = 1), '"hidden_dropout_prob" must be a probability in [0, 1), got 1'],
    ['eps', (c: Record<string, unknown>) => (c.layer_norm_eps = 0), '"layer_norm_eps" must be a positive number, got 0'],
    ['pad', (c: Record<string, unknown>) => (c.pad_token_id = 60), '"pad_token_id" must be null or an integer in [0, vocab_size = 60), got 60'],
    ['model_type', (c: Record<string, unknown>) => (c.model_type = 'roberta'), '"model_type" is "roberta"; only "bert" models are supported'],
    ['positions', (c: Record<string, unknown>) => (c.position_embedding_type = 'relative_key'), '"position_embedding_type" is "relative_key"'],
    ['id2label gap', (c: Record<string, unknown>) => (c.id2label = { 0: 'a', 2: 'b' }), '"id2label" must map every id 0..1 to a label name; id "1" maps to nothing'],
    ['label2id', (c: Record<string, unknown>) => (c.label2id = { negative: 1 }), '"label2id" maps "negative" to 1, but id2label names id 1 "neutral"'],
    ['num_labels', (c: Record<string, unknown>) => (c.num_labels = 2), '"num_labels" is 2 but id2label has 3 labels'],
    // Default label names are allocated from num_labels: a huge one is refused first.
    ['num_labels 2^60', (c: Record<string, unknown>) => { delete c.id2label; delete c.label2id; c.num_labels = 2 ** 60; }, '"num_labels" must be a positive integer up to 100000, got 1152921504606847000'],
  ])('%s', (_, edit, message) => {
    const run = parse(edit);
    expect(run).toThrow(BertConfigError);
    expect(run).toThrow(message);
  });

  test('invalid JSON names the file', () => {
    expect(() => parseBertConfigText('{"vocab_size": ', '/m/config.json')).toThrow(/^\/m\/config\.json: invalid JSON/);
  });

  test('defaults follow Hugging Face; num_labels without id2label gives LABEL_i', () => {
    const c = bertConfig({ hiddenSize: 64, numAttentionHeads: 4, numLabels: 1 });
    expect(c).toMatchObject({ vocabSize: 30522, numHiddenLayers: 12, intermediateSize: 3072, maxPositionEmbeddings: 512, layerNormEps: 1e-12, id2label: ['LABEL_0'], numLabels: 1 });
    expect(() => bertConfig({ hiddenSize: 30, numAttentionHeads: 4 })).toThrow('bertConfig(): "num_attention_heads" (4) must divide hidden_size (30)');
  });

  test('a hand-made config object is re-validated before a model is built', () => {
    const c = { ...bertConfig({ hiddenSize: 32, numAttentionHeads: 4 }), numAttentionHeads: 5 };
    expect(() => new BertForSequenceClassification(c)).toThrow('"num_attention_heads" (5) must divide hidden_size (32)');
  });
});
