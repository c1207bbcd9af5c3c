// BertForMaskedLM: numerics against the float64 PyTorch reference
// (fixtures/reference/tiny-mlm, made by scripts/fixtures/bert_reference.py),
// and its checkpoint contract with Hugging Face folders and with the
// fine-tuning models built from it.
//
// Bounds: outputs 1e-4, gradients 1e-3, as rel = max|ours − ref| / max|ref|
// (reference-helpers.ts). The word-embedding table is both the lookup table and
// the decoder weight; its reference gradient sums both uses, and the fixture
// makes the two parts of similar size, so dropping either fails.
import { readFileSync } from 'node:fs';
import { initNode, mul, noGrad, scope, serializeSafetensors, sum, toFloat32, type SafetensorsInput, type Tensor } from '@bamgpu/core/node';
import { beforeAll, describe, expect, test } from 'vitest';
import { memoryFolder } from '../src/checkpoint/folder-io.js';
import { BertForMaskedLM } from '../src/model/masked-lm.js';
import { BertMultiTask } from '../src/model/multi-task.js';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';
import '../src/node.js'; // local folders by path
import { OUTPUT_TOL, REFERENCE_ROOT, checkRows, entry, gradientRows, outputRow, referenceLoss, readSafetensors, referenceInputs, upload, type ErrorRow, type Tensors } from './reference-helpers.js';

const DIR = `${REFERENCE_ROOT}tiny-mlm`;
const TABLE = 'bert.embeddings.word_embeddings.weight';
const HEAD = [
  'cls.predictions.bias',
  'cls.predictions.transform.dense.weight',
  'cls.predictions.transform.dense.bias',
  'cls.predictions.transform.LayerNorm.weight',
  'cls.predictions.transform.LayerNorm.bias',
];

let expected: Tensors;
let weights: Tensors;
beforeAll(async () => {
  await initNode();
  expected = readSafetensors(`${DIR}/expected.safetensors`);
  weights = readSafetensors(`${DIR}/model.safetensors`);
});

/** A folder in memory with tiny-mlm's config.json and vocab.txt and the given tensors. */
function folderWith(tensors: Iterable<readonly [string, SafetensorsInput]>, configJson = readFileSync(`${DIR}/config.json`)) {
  return memoryFolder(new Map<string, Uint8Array>([
    ['config.json', new Uint8Array(configJson)],
    ['vocab.txt', new Uint8Array(readFileSync(`${DIR}/vocab.txt`))],
    ['model.safetensors', serializeSafetensors(tensors, { format: 'pt' })],
  ]));
}

/** The fixture's weights as writer input, F32, renamed or dropped by `rename` (null drops). */
function fixtureTensors(rename: (name: string) => string | null = (n) => n): [string, SafetensorsInput][] {
  const out: [string, SafetensorsInput][] = [];
  for (const [name, e] of weights) {
    const to = rename(name);
    if (to !== null) out.push([to, { dtype: 'F32', shape: e.shape, data: toFloat32(e) }]);
  }
  return out;
}

async function values(t: Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

/** Bit-level equality of two float32 arrays (so -0 ≠ 0 and NaN = NaN are caught too). */
function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

async function fullLogits(model: BertForMaskedLM): Promise<Float32Array> {
  model.eval();
  return scope(async () => values(noGrad(() => model.forward(referenceInputs(expected))).logits));
}

describe('BertForMaskedLM against float64 PyTorch (tiny-mlm)', () => {
  test('outputs and every parameter gradient match, the tied table included', async () => {
    const model = await BertForMaskedLM.fromPretrained(DIR, { warn: false });
    expect(model.loadReport).toMatchObject({ missing: [], unexpected: [] });
    model.eval();
    const rows: ErrorRow[] = [];
    await scope(async () => {
      const out = model.forward(referenceInputs(expected));
      rows.push(await outputRow(out.lastHiddenState, expected, 'last_hidden_state'));
      rows.push(await outputRow(out.logits, expected, 'logits'));
      const loss = referenceLoss(out, expected);
      rows.push(await outputRow(loss, expected, 'loss', OUTPUT_TOL));
      loss.backward();
    });
    rows.push(...(await gradientRows(model, expected, 'grad.')));
    checkRows('tiny-mlm, full logits', rows);
    model.dispose();
  });

  test('forward(inputs, { positions }) gives the rows of the full logits, and its loss the reference gradients', async () => {
    const model = await BertForMaskedLM.fromPretrained(DIR, { warn: false });
    const full = await fullLogits(model);
    const positions = upload(entry(expected, 'positions'), 'int32');
    const flat = Array.from(await positions.data());
    const v = model.config.vocabSize;
    // The fixture repeats a position, so a position asked for twice is covered.
    expect(new Set(flat).size).toBeLessThan(flat.length);

    const rows: ErrorRow[] = [];
    await scope(async () => {
      const out = model.forward(referenceInputs(expected), { positions });
      expect(out.logits.shape).toEqual([flat.length, v]);
      const picked = await values(out.logits);
      // Row i is the full model's row positions[i]; the head runs per row, so only summation order may differ.
      let worst = 0;
      for (let i = 0; i < flat.length; i++) {
        for (let j = 0; j < v; j++) worst = Math.max(worst, Math.abs(picked[i * v + j] - full[flat[i] * v + j]));
      }
      expect(worst).toBeLessThanOrEqual(1e-6 * Math.max(...full.map(Math.abs)));
      const w = upload(entry(expected, 'loss_weight_positions'), 'float32');
      const loss = sum(mul(out.logits, w));
      rows.push(await outputRow(loss, expected, 'loss_positions', OUTPUT_TOL));
      loss.backward();
    });
    positions.dispose();
    rows.push(...(await gradientRows(model, expected, 'grad_positions.')));
    checkRows('tiny-mlm, positions', rows);
    model.dispose();
  });

  test('namedParameters(): Hugging Face names, the tied table once, no decoder of its own', async () => {
    const model = await BertForMaskedLM.fromPretrained(DIR, { warn: false });
    const names = [...model.namedParameters()].map(([n]) => n);
    // Exactly the names transformers writes for a tied BertForMaskedLM (the fixture's file).
    expect([...names].sort()).toEqual([...weights.keys()].sort());
    expect(names.filter((n) => n.includes('word_embeddings'))).toEqual([TABLE]);
    expect(names.some((n) => n.includes('decoder') || n.includes('pooler'))).toBe(false);
    const params = model.parameters();
    expect(new Set(params).size).toBe(params.length);
    expect(model.bert.pooler).toBeNull();
    model.dispose();
  });
});

describe('BertForMaskedLM checkpoints', () => {
  test('a folder that stores the tied decoder weight and bias loads with nothing unexpected and the same numbers', async () => {
    const plain = await BertForMaskedLM.fromPretrained(DIR, { warn: false });
    const want = await fullLogits(plain);
    plain.dispose();
    const stored = fixtureTensors();
    const byName = new Map(stored);
    stored.push(['cls.predictions.decoder.weight', byName.get(TABLE)!]);
    stored.push(['cls.predictions.decoder.bias', byName.get('cls.predictions.bias')!]);
    const model = await BertForMaskedLM.fromPretrained(folderWith(stored), { warn: false });
    expect(model.loadReport).toMatchObject({ missing: [], unexpected: [] });
    expect(bitsEqual(await fullLogits(model), want)).toBe(true);
    model.dispose();
  });

  test('a stored decoder bias alone is loaded as cls.predictions.bias, as transformers\' shared tensor is', async () => {
    const plain = await BertForMaskedLM.fromPretrained(DIR, { warn: false });
    const want = await fullLogits(plain);
    plain.dispose();
    const renamed = fixtureTensors((n) => (n === 'cls.predictions.bias' ? 'cls.predictions.decoder.bias' : n));
    const model = await BertForMaskedLM.fromPretrained(folderWith(renamed), { warn: false });
    expect(model.loadReport).toMatchObject({ missing: [], unexpected: [] });
    expect(bitsEqual(await fullLogits(model), want)).toBe(true);
    model.dispose();
  });

  test('a stored decoder weight that is not the table (an untied model) is refused, not silently dropped', async () => {
    const stored = fixtureTensors();
    const table = toFloat32(weights.get(TABLE)!);
    stored.push(['cls.predictions.decoder.weight', { dtype: 'F32', shape: weights.get(TABLE)!.shape, data: table.map((x) => 2 * x) }]);
    await expect(BertForMaskedLM.fromPretrained(folderWith(stored), { warn: false })).rejects.toThrow(
      /"cls\.predictions\.decoder\.weight" is tied to "bert\.embeddings\.word_embeddings\.weight" but holds different values/,
    );
    const config = JSON.parse(readFileSync(`${DIR}/config.json`, 'utf8')) as Record<string, unknown>;
    const untied = new TextEncoder().encode(JSON.stringify({ ...config, tie_word_embeddings: false }));
    await expect(BertForMaskedLM.fromPretrained(folderWith(fixtureTensors(), untied), { warn: false })).rejects.toThrow(/tie_word_embeddings/);
  });

  test('a base-model folder (no bert. prefix, a pooler, no cls.*) fills the encoder and reports the head missing', async () => {
    const h = 32;
    const base = fixtureTensors((n) => (n.startsWith('cls.') ? null : n.slice('bert.'.length)));
    base.push(['pooler.dense.weight', { dtype: 'F32', shape: [h, h], data: new Float32Array(h * h).fill(0.5) }]);
    base.push(['pooler.dense.bias', { dtype: 'F32', shape: [h], data: new Float32Array(h).fill(0.5) }]);
    const model = await BertForMaskedLM.fromPretrained(folderWith(base), { warn: false });
    expect([...model.loadReport!.missing].sort()).toEqual([...HEAD].sort());
    // A masked LM has no pooler: its weights are reported unused, not loaded anywhere.
    expect([...model.loadReport!.unexpected].sort()).toEqual(['pooler.dense.bias', 'pooler.dense.weight']);
    for (const [name, p] of model.namedParameters()) {
      if (name.startsWith('cls.')) continue;
      expect(bitsEqual(await values(p), toFloat32(weights.get(name)!)), name).toBe(true);
    }
    // The missing head is initialised as BERT does: output bias 0, LayerNorm 1 and 0.
    const head = model.cls.predictions;
    expect((await values(head.bias)).every((x) => x === 0)).toBe(true);
    expect((await values(head.transform.LayerNorm.weight)).every((x) => x === 1)).toBe(true);
    expect((await values(head.transform.LayerNorm.bias!)).every((x) => x === 0)).toBe(true);
    model.dispose();
  });

  test('save() → fromPretrained() is bit-exact and writes a tied Hugging Face masked-LM folder', async () => {
    const model = await BertForMaskedLM.fromPretrained(DIR, { warn: false });
    const folder = memoryFolder();
    await model.save(folder);
    expect([...folder.files.keys()].sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    const config = JSON.parse(new TextDecoder().decode(folder.files.get('config.json')!)) as Record<string, unknown>;
    expect(config.architectures).toEqual(['BertForMaskedLM']);
    expect(config.vocab_size).toBe(66);
    expect(new TextDecoder().decode(folder.files.get('vocab.txt')!)).toBe(readFileSync(`${DIR}/vocab.txt`, 'utf8'));
    // Same bytes as the fixture's file: the tied decoder is not written, names and order as transformers'.
    expect(Buffer.compare(folder.files.get('model.safetensors')!, readFileSync(`${DIR}/model.safetensors`))).toBe(0);

    const again = await BertForMaskedLM.fromPretrained(folder, { warn: false });
    expect(again.loadReport).toMatchObject({ missing: [], unexpected: [] });
    const mine = new Map(model.namedParameters());
    for (const [name, p] of again.namedParameters()) expect(bitsEqual(await values(p), await values(mine.get(name)!)), name).toBe(true);
    model.dispose();
    again.dispose();
  });
});

describe('fine-tuning models from a saved masked-LM folder take the encoder and drop the head', () => {
  async function savedMlm(): Promise<{ mlm: BertForMaskedLM; folder: ReturnType<typeof memoryFolder> }> {
    const mlm = await BertForMaskedLM.fromPretrained(DIR, { warn: false });
    const folder = memoryFolder();
    await mlm.save(folder);
    return { mlm, folder };
  }

  /** Every `bert.` parameter the target has, except the pooler, holds the masked LM's numbers. */
  async function expectEncoderOf(target: Iterable<[string, Tensor]>, mlm: BertForMaskedLM): Promise<void> {
    const source = new Map(mlm.namedParameters());
    let compared = 0;
    for (const [name, p] of target) {
      if (!name.startsWith('bert.') || name.startsWith('bert.pooler.')) continue;
      const s = source.get(name);
      expect(s, name).toBeDefined();
      expect(bitsEqual(await values(p), await values(s!)), name).toBe(true);
      compared++;
    }
    expect(compared).toBe(source.size - HEAD.length);
  }

  test('BertForSequenceClassification: pooler and classifier missing, cls.* unexpected, encoder weights the MLM\'s', async () => {
    const { mlm, folder } = await savedMlm();
    const model = await BertForSequenceClassification.fromPretrained(folder, { warn: false });
    expect([...model.loadReport!.missing].sort()).toEqual(['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'classifier.bias', 'classifier.weight']);
    expect([...model.loadReport!.unexpected].sort()).toEqual([...HEAD].sort());
    await expectEncoderOf(model.namedParameters(), mlm);
    // The same encoder gives the same hidden states.
    model.eval();
    mlm.eval();
    await scope(async () => {
      const a = noGrad(() => model.forward(referenceInputs(expected))).lastHiddenState;
      const b = noGrad(() => mlm.forward(referenceInputs(expected))).lastHiddenState;
      expect(bitsEqual(await values(a), await values(b))).toBe(true);
    });
    model.dispose();
    mlm.dispose();
  });

  test('BertMultiTask with tasks: pooler and heads missing, cls.* unexpected, encoder weights the MLM\'s', async () => {
    const { mlm, folder } = await savedMlm();
    const tasks = [{ name: 'cola', numLabels: 2 }, { name: 'stsb', numLabels: 1 }];
    const model = await BertMultiTask.fromPretrained(folder, { tasks, warn: false });
    expect([...model.loadReport!.missing].sort()).toEqual(
      ['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'heads.cola.bias', 'heads.cola.weight', 'heads.stsb.bias', 'heads.stsb.weight'],
    );
    expect([...model.loadReport!.unexpected].sort()).toEqual([...HEAD].sort());
    await expectEncoderOf(model.namedParameters(), mlm);
    model.dispose();
    mlm.dispose();
  });
});
