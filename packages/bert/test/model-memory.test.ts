// Forward + backward inside a scope leaves GPU memory exactly where it was:
// nothing the model creates outlives the step except the parameters' grads.
import { fileURLToPath } from 'node:url';
import { Generator, add, initNode, memory, mul, noGrad, scope, sum, tensor } from '@bamgpu/core/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';
import '../src/node.js'; // local folders by path

const FIXTURE = fileURLToPath(new URL('./fixtures/reference/tiny-a/', import.meta.url));

let model: BertForSequenceClassification;
beforeAll(async () => {
  await initNode();
  model = await BertForSequenceClassification.fromPretrained(FIXTURE, { warn: false, generator: new Generator(11) });
});
afterAll(() => model.dispose());

const inputs = () => ({
  inputIds: tensor(Int32Array.from([2, 7, 8, 3, 9, 3, 2, 10, 3, 0, 0, 0]), [2, 6], { dtype: 'int32' }),
  tokenTypeIds: tensor(Int32Array.from([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]), [2, 6], { dtype: 'int32' }),
  attentionMask: tensor(Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]), [2, 6], { dtype: 'int32' }),
});

describe.each(['eval', 'train'] as const)('%s mode', (mode) => {
  test('live buffers and tensors are the same after the 2nd and the 5th forward+backward', async () => {
    model.train(mode === 'train');
    const batch = inputs();
    const counts: { buffers: number; tensors: number }[] = [];
    for (let step = 1; step <= 5; step++) {
      model.zeroGrad();
      await scope(async () => {
        const out = model.forward(batch);
        const loss = add(sum(out.logits), sum(mul(out.lastHiddenState, 0.01)));
        loss.backward();
        await loss.data();
      });
      const m = memory();
      counts.push({ buffers: m.liveBuffers, tensors: m.liveTensors });
    }
    expect(counts[4]).toEqual(counts[1]);
    // Every parameter got a gradient, so the counts include them and nothing else grows.
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    model.zeroGrad();
    for (const t of Object.values(batch)) t.dispose();
  });
});

test('inference (noGrad) returns only its outputs', async () => {
  model.eval();
  const batch = inputs();
  const before = memory();
  for (let i = 0; i < 3; i++) {
    const out = noGrad(() => model.forward(batch));
    await out.logits.data();
    for (const t of Object.values(out)) t.dispose();
  }
  const after = memory();
  expect(after.liveBuffers).toBe(before.liveBuffers);
  expect(after.liveTensors).toBe(before.liveTensors);
  for (const t of Object.values(batch)) t.dispose();
});
