// Hugging Face folders in and out: load → save → load is bit-identical, and
// the loader accepts what real checkpoints contain (no `bert.` prefix,
// gamma/beta, buffers, pre-training heads, F16/BF16/F64, shards).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bfloat16BitsToFloat32Array, float16BitsToFloat32Array, float32ArrayToBfloat16Bits, float32ArrayToFloat16Bits,
  initNode, parseSafetensors, serializeSafetensors, toFloat32, type SafetensorsInput,
} from '@bamgpu/core/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseBertConfigText } from '../src/config.js';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';
import '../src/node.js'; // local folders by path

const FIXTURE = fileURLToPath(new URL('./fixtures/reference/tiny-a/', import.meta.url));

let tmp: string;
beforeAll(async () => {
  await initNode();
  tmp = await mkdtemp(join(tmpdir(), 'bert-checkpoint-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function fixtureTensors(): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const parsed = parseSafetensors(new Uint8Array(await readFile(join(FIXTURE, 'model.safetensors'))), 'fixture');
  return new Map([...parsed.tensors].map(([name, e]) => [name, { shape: e.shape, data: toFloat32(e) }]));
}

async function modelTensors(model: BertForSequenceClassification): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, p] of model.namedParameters()) out.set(name, (await p.data()) as Float32Array);
  return out;
}

/** A checkpoint folder with tiny-a's config and vocab and the given tensors. */
async function folderWith(name: string, tensors: Iterable<readonly [string, SafetensorsInput]>, extra: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), await readFile(join(FIXTURE, 'config.json')));
  const files: Record<string, string | Uint8Array> = { 'model.safetensors': serializeSafetensors(tensors, { format: 'pt' }), ...extra };
  for (const [file, data] of Object.entries(files)) await writeFile(join(dir, file), data);
  return dir;
}

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

describe('load → save → load', () => {
  test('is bit-identical and writes a complete Hugging Face folder', async () => {
    const model = await BertForSequenceClassification.fromPretrained(FIXTURE, { warn: false });
    const a = join(tmp, 'saved-a');
    const b = join(tmp, 'saved-b');
    await model.save(a);
    await model.save(b);
    const bytesA = new Uint8Array(await readFile(join(a, 'model.safetensors')));
    const bytesB = new Uint8Array(await readFile(join(b, 'model.safetensors')));
    expect(Buffer.compare(bytesA, bytesB)).toBe(0);
    // Same tensors, names and metadata as the PyTorch-written original, so even the bytes agree.
    expect(Buffer.compare(bytesA, await readFile(join(FIXTURE, 'model.safetensors')))).toBe(0);

    const saved = parseSafetensors(bytesA, 'saved');
    expect(saved.metadata).toEqual({ format: 'pt' });
    expect([...saved.tensors.values()].every((e) => e.dtype === 'F32')).toBe(true);

    const reloaded = await BertForSequenceClassification.fromPretrained(a, { warn: false });
    expect(reloaded.loadReport).toMatchObject({ missing: [], unexpected: [] });
    const original = await fixtureTensors();
    const again = await modelTensors(reloaded);
    expect([...again.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [name, { data }] of original) expect(bitsEqual(again.get(name)!, data), name).toBe(true);

    // config.json keeps every key of the original (architectures, problem_type, …) and the vocabulary is copied.
    const configText = await readFile(join(a, 'config.json'), 'utf8');
    expect(JSON.parse(configText)).toEqual(JSON.parse(await readFile(join(FIXTURE, 'config.json'), 'utf8')));
    expect(parseBertConfigText(configText, 'saved')).toEqual(model.config);
    expect(await readFile(join(a, 'vocab.txt'), 'utf8')).toBe(await readFile(join(FIXTURE, 'vocab.txt'), 'utf8'));
    model.dispose();
    reloaded.dispose();
  });

  test('leaves no temporary files behind', async () => {
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(join(tmp, 'saved-a'))).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
  });
});

describe('name mapping', () => {
  test('base-model names, gamma/beta and buffers load; pre-training heads are unexpected; the classifier is new', async () => {
    const original = await fixtureTensors();
    const renamed: [string, SafetensorsInput][] = [];
    for (const [name, { shape, data }] of original) {
      if (name.startsWith('classifier.')) continue;
      // A TF-converted base checkpoint: no `bert.` prefix, LayerNorm gamma/beta.
      const base = name.slice('bert.'.length).replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta');
      renamed.push([base, { dtype: 'F32', shape, data }]);
    }
    renamed.push(['embeddings.position_ids', { dtype: 'I32', shape: [1, 24], data: Int32Array.from({ length: 24 }, (_, i) => i) }]);
    renamed.push(['cls.predictions.bias', { dtype: 'F32', shape: [60], data: new Float32Array(60) }]);
    const dir = await folderWith('base-names', renamed);

    const warnings: string[] = [];
    const model = await BertForSequenceClassification.fromPretrained(dir, { warn: (m) => warnings.push(m) });
    expect(model.loadReport!.missing).toEqual(['classifier.weight', 'classifier.bias']);
    expect(model.loadReport!.unexpected).toEqual(['cls.predictions.bias']);
    expect(warnings.join('\n')).toMatch(/newly initialised: classifier\.weight, classifier\.bias/);
    expect(warnings.join('\n')).toMatch(/not used by BertForSequenceClassification: cls\.predictions\.bias/);

    const loaded = await modelTensors(model);
    for (const [name, { data }] of original) {
      if (!name.startsWith('classifier.')) expect(bitsEqual(loaded.get(name)!, data), name).toBe(true);
    }
    // The new head is initialised as BERT does: N(0, 0.02) weights, zero bias.
    const w = loaded.get('classifier.weight')!;
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeGreaterThan(0.014);
    expect(std).toBeLessThan(0.026);
    expect([...loaded.get('classifier.bias')!]).toEqual([0, 0, 0]);
    model.dispose();
  });

  test('two tensors for one parameter is an error naming both', async () => {
    const original = await fixtureTensors();
    const tensors: [string, SafetensorsInput][] = [...original].map(([n, { shape, data }]) => [n, { dtype: 'F32', shape, data }]);
    const ln = original.get('bert.embeddings.LayerNorm.weight')!;
    tensors.push(['bert.embeddings.LayerNorm.gamma', { dtype: 'F32', shape: ln.shape, data: ln.data }]);
    const dir = await folderWith('duplicate', tensors);
    await expect(BertForSequenceClassification.fromPretrained(dir, { warn: false })).rejects.toThrow(
      /"bert\.embeddings\.LayerNorm\.(weight|gamma)" and "bert\.embeddings\.LayerNorm\.(weight|gamma)" both map to parameter "bert\.embeddings\.LayerNorm\.weight"/,
    );
  });
});

describe('dtypes and shards', () => {
  test('F16, BF16 and F64 tensors are converted to float32', async () => {
    const original = await fixtureTensors();
    const expected = new Map<string, Float32Array>();
    const tensors: [string, SafetensorsInput][] = [];
    let i = 0;
    for (const [name, { shape, data }] of original) {
      const kind = i++ % 4;
      if (kind === 0) {
        const bits = float32ArrayToFloat16Bits(data);
        tensors.push([name, { dtype: 'F16', shape, data: bits }]);
        expected.set(name, float16BitsToFloat32Array(bits));
      } else if (kind === 1) {
        const bits = float32ArrayToBfloat16Bits(data);
        tensors.push([name, { dtype: 'BF16', shape, data: bits }]);
        expected.set(name, bfloat16BitsToFloat32Array(bits));
      } else if (kind === 2) {
        tensors.push([name, { dtype: 'F64', shape, data: Float64Array.from(data) }]);
        expected.set(name, data);
      } else {
        tensors.push([name, { dtype: 'F32', shape, data }]);
        expected.set(name, data);
      }
    }
    const dir = await folderWith('mixed-dtypes', tensors);
    const model = await BertForSequenceClassification.fromPretrained(dir, { warn: false });
    const loaded = await modelTensors(model);
    for (const [name, want] of expected) expect(bitsEqual(loaded.get(name)!, want), name).toBe(true);
    // Half precision really was rounded (the test would pass vacuously otherwise).
    expect(bitsEqual(expected.get(tensors[0][0])!, original.get(tensors[0][0])!.data)).toBe(false);
    model.dispose();
  });

  test('a sharded checkpoint (model.safetensors.index.json) loads like the single file', async () => {
    const original = await fixtureTensors();
    const names = [...original.keys()];
    const shards = [names.slice(0, 20), names.slice(20)];
    const dir = join(tmp, 'sharded');
    await mkdir(dir);
    await writeFile(join(dir, 'config.json'), await readFile(join(FIXTURE, 'config.json')));
    const weightMap: Record<string, string> = {};
    for (const [k, part] of shards.entries()) {
      const file = `model-0000${k + 1}-of-00002.safetensors`;
      const entries = part.map((n) => [n, { dtype: 'F32', shape: original.get(n)!.shape, data: original.get(n)!.data }] as const);
      await writeFile(join(dir, file), serializeSafetensors(entries, { format: 'pt' }));
      for (const n of part) weightMap[n] = file;
    }
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
    const model = await BertForSequenceClassification.fromPretrained(dir, { warn: false });
    expect(model.loadReport).toMatchObject({ missing: [], unexpected: [] });
    const loaded = await modelTensors(model);
    for (const [name, { data }] of original) expect(bitsEqual(loaded.get(name)!, data), name).toBe(true);
    model.dispose();

    // An index naming the wrong shard for a tensor is refused.
    weightMap[names[0]] = 'model-00002-of-00002.safetensors';
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));
    await expect(BertForSequenceClassification.fromPretrained(dir, { warn: false })).rejects.toThrow(
      `lists tensor "${names[0]}" in model-00002-of-00002.safetensors, but it is in model-00001-of-00002.safetensors`,
    );
  });
});
