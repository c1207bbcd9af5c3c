// fromConfig initialises as BERT does, the parameter names are Hugging Face's,
// and training mode applies dropout reproducibly from the model's generator.
import { fileURLToPath } from 'node:url';
import { Generator, add, initNode, mul, noGrad, randn, scope, sum, tensor, type Tensor } from '@bamgpu/core/node';
import { beforeAll, describe, expect, test } from 'vitest';
import { bertConfig } from '../src/config.js';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';
import '../src/node.js'; // local folders by path

const FIXTURE = fileURLToPath(new URL('./fixtures/reference/tiny-a/', import.meta.url));
/** Weights far from BERT's 0.02 (attention and GELU away from linear), dropout 0.1 in both places. */
const LARGE_WEIGHTS = fileURLToPath(new URL('./fixtures/reference/tiny-c-eps/', import.meta.url));

beforeAll(async () => {
  await initNode();
});

const config = bertConfig({
  vocabSize: 100, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 128,
  maxPositionEmbeddings: 32, initializerRange: 0.05, padTokenId: 1, labels: ['a', 'b'],
});

function stats(v: Float32Array): { mean: number; std: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) };
}

describe('fromConfig', () => {
  test('has Hugging Face names in Hugging Face order', () => {
    const model = BertForSequenceClassification.fromConfig(config);
    const names = [...model.namedParameters()].map(([n]) => n);
    expect(names.slice(0, 8)).toEqual([
      'bert.embeddings.word_embeddings.weight',
      'bert.embeddings.position_embeddings.weight',
      'bert.embeddings.token_type_embeddings.weight',
      'bert.embeddings.LayerNorm.weight',
      'bert.embeddings.LayerNorm.bias',
      'bert.encoder.layer.0.attention.self.query.weight',
      'bert.encoder.layer.0.attention.self.query.bias',
      'bert.encoder.layer.0.attention.self.key.weight',
    ]);
    expect(names).toContain('bert.encoder.layer.1.attention.output.LayerNorm.weight');
    expect(names).toContain('bert.encoder.layer.1.output.dense.bias');
    expect(names.slice(-4)).toEqual(['bert.pooler.dense.weight', 'bert.pooler.dense.bias', 'classifier.weight', 'classifier.bias']);
    expect(names.length).toBe(5 + 2 * 16 + 4);
    model.dispose();
  });

  test('initialises as BERT: N(0, initializer_range) weights, zero pad row, zero biases, LayerNorm 1/0', async () => {
    const model = BertForSequenceClassification.fromConfig(config, { generator: new Generator(3) });
    for (const [name, p] of model.namedParameters()) {
      const v = (await p.data()) as Float32Array;
      if (name.includes('LayerNorm')) {
        expect(v.every((x) => x === (name.endsWith('weight') ? 1 : 0)), name).toBe(true);
      } else if (name.endsWith('bias')) {
        expect(v.every((x) => x === 0), name).toBe(true);
      } else {
        let values = v;
        if (name === 'bert.embeddings.word_embeddings.weight') {
          const pad = v.subarray(64, 128); // row pad_token_id = 1
          expect(pad.every((x) => x === 0)).toBe(true);
          values = Float32Array.from([...v.subarray(0, 64), ...v.subarray(128)]);
        }
        const { mean, std } = stats(values);
        // Bounds hold for every tensor here, even the smallest (128 values: 2 × 64 token types, 2 × 64 classifier).
        expect(Math.abs(mean), name).toBeLessThan(0.015);
        expect(std, name).toBeGreaterThan(0.05 * 0.8);
        expect(std, name).toBeLessThan(0.05 * 1.2);
      }
    }
    model.dispose();
  });

  test('the same generator seed gives the same weights', async () => {
    const a = BertForSequenceClassification.fromConfig(config, { generator: new Generator(5) });
    const b = BertForSequenceClassification.fromConfig(config, { generator: new Generator(5) });
    const c = BertForSequenceClassification.fromConfig(config, { generator: new Generator(6) });
    const wa = (await a.bert.encoder.layer[1].output.dense.weight.data()) as Float32Array;
    expect([...((await b.bert.encoder.layer[1].output.dense.weight.data()) as Float32Array)]).toEqual([...wa]);
    expect([...((await c.bert.encoder.layer[1].output.dense.weight.data()) as Float32Array)]).not.toEqual([...wa]);
    for (const m of [a, b, c]) m.dispose();
  });
});

describe('training mode', () => {
  test('dropout is active, reproducible from the generator, and gradients reach every parameter', async () => {
    const gen = new Generator(9);
    const model = await BertForSequenceClassification.fromPretrained(FIXTURE, { warn: false, generator: gen });
    const inputIds = tensor(Int32Array.from([2, 7, 8, 3, 9, 10, 3]), [1, 7], { dtype: 'int32' });
    const logits = async (): Promise<number[]> => {
      const out = noGrad(() => model.forward({ inputIds }));
      const v = [...((await out.logits.data()) as Float32Array)];
      for (const t of Object.values(out)) t.dispose();
      return v;
    };
    model.eval();
    const evalA = await logits();
    expect(await logits()).toEqual(evalA);
    model.train();
    const state = gen.state();
    const trainA = await logits();
    gen.setState(state);
    expect(await logits()).toEqual(trainA); // same masks from the same generator state
    expect(trainA).not.toEqual(evalA);
    expect(await logits()).not.toEqual(trainA); // the stream moved on: new masks

    await scope(async () => {
      const out = model.forward({ inputIds });
      const loss: Tensor = sum(out.logits);
      loss.backward();
      await loss.data();
    });
    for (const [name, p] of model.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      const g = (await p.grad!.data()) as Float32Array;
      // The key bias's gradient is exactly 0 in theory (softmax ignores a per-query constant).
      if (!name.endsWith('key.bias')) expect(g.some((x) => x !== 0), name).toBe(true);
    }
    inputIds.dispose();
    model.dispose();
  });

  test('with dropout on, the gradient is the derivative of the loss under the same masks', async () => {
    // Holding the masks fixed (the generator reset before every forward), (L(θ+εd) − L(θ−εd)) / 2ε along
    // d = ∇L/|∇L| must be |∇L|: a backward that used other masks than the forward would miss it. The
    // control draws new masks for each side and misses by far more than the tolerance.
    const gen = new Generator(3);
    const model = await BertForSequenceClassification.fromPretrained(LARGE_WEIGHTS, { warn: false, generator: gen });
    const inputIds = tensor(Int32Array.from([2, 7, 8, 9, 3, 10, 11, 12, 13, 3, 2, 14, 15, 3, 0, 0, 0, 0, 0, 0]), [2, 10], { dtype: 'int32' });
    const tokenTypeIds = tensor(Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), [2, 10], { dtype: 'int32' });
    const attentionMask = tensor(Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]), [2, 10], { dtype: 'int32' });
    const wLogits = randn([2, model.config.numLabels], { generator: new Generator(11) });
    const wHidden = randn([2, 10, model.config.hiddenSize], { generator: new Generator(12) });
    model.train();
    const masks = gen.state();
    const loss = (sameMasks: boolean): Tensor => {
      if (sameMasks) gen.setState(masks);
      const out = model.forward({ inputIds, tokenTypeIds, attentionMask });
      return add(sum(mul(out.logits, wLogits)), sum(mul(out.lastHiddenState, wHidden)));
    };
    await scope(async () => {
      const l = loss(true);
      l.backward();
      await l.data();
    });
    const params = [...model.namedParameters()].map(([, p]) => p);
    const grads = await Promise.all(params.map(async (p) => Float32Array.from((await p.grad!.data()) as Float32Array)));
    const start = await Promise.all(params.map(async (p) => Float32Array.from((await p.data()) as Float32Array)));
    const norm = Math.sqrt(grads.reduce((s, g) => s + g.reduce((t, x) => t + x * x, 0), 0));
    const at = async (eps: number, sameMasks: boolean): Promise<number> => {
      params.forEach((p, k) => p.runtime.upload(p.binding(), Float32Array.from(start[k], (v, i) => v + (eps * grads[k][i]) / norm)));
      const l = noGrad(() => loss(sameMasks));
      const v = ((await l.data()) as Float32Array)[0];
      l.dispose();
      return v;
    };
    const eps = 1e-3; // the error of the central difference falls as ε² (0.7% at 1e-2, 5e-5 at 1e-3)
    const slope = async (sameMasks: boolean) => ((await at(eps, sameMasks)) - (await at(-eps, sameMasks))) / (2 * eps);
    expect(norm).toBeGreaterThan(1);
    expect(Math.abs((await slope(true)) / norm - 1)).toBeLessThan(1e-3);
    expect(Math.abs((await slope(false)) / norm - 1)).toBeGreaterThan(0.05);
    for (const t of [inputIds, tokenTypeIds, attentionMask, wLogits, wHidden]) t.dispose();
    model.dispose();
  });
});
