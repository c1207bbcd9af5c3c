// What forward accepts: bad batches fail before any GPU work with errors that
// name the tensor and the limit; optional inputs and key masking behave as in
// Hugging Face.
import { fileURLToPath } from 'node:url';
import { initNode, memory, noGrad, ones, tensor, zeros, type Tensor } from '@bamgpu/core/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BertInputError } from '../src/model/inputs.js';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';
import '../src/node.js'; // local folders by path

const FIXTURE = fileURLToPath(new URL('./fixtures/reference/tiny-a/', import.meta.url)); // vocab 60, max positions 24, H 32

let model: BertForSequenceClassification;
beforeAll(async () => {
  await initNode();
  model = await BertForSequenceClassification.fromPretrained(FIXTURE, { warn: false });
  model.eval();
});
afterAll(() => model.dispose());

const ids = (rows: number[][]) => tensor(Int32Array.from(rows.flat()), [rows.length, rows[0].length], { dtype: 'int32' });

async function values(t: Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe('bad input', () => {
  test.each([
    ['an id beyond the vocabulary', () => ({ inputIds: ids([[2, 60, 3]]) }), 'input_ids contains id 60, but vocab_size is 60 (valid ids 0..59)'],
    ['a negative id', () => ({ inputIds: ids([[2, -1, 3]]) }), 'input_ids contains -1; ids must be ≥ 0'],
    ['a sequence longer than max_position_embeddings', () => ({ inputIds: ids([Array.from({ length: 25 }, () => 5)]) }), 'input_ids has 25 tokens per row, more than max_position_embeddings = 24'],
    ['a token type beyond type_vocab_size', () => ({ inputIds: ids([[2, 5, 3]]), tokenTypeIds: ids([[0, 2, 1]]) }), 'token_type_ids contains id 2, but type_vocab_size is 2 (valid ids 0..1)'],
    ['a mask of another shape', () => ({ inputIds: ids([[2, 5, 3], [2, 6, 3]]), attentionMask: ids([[1, 1], [1, 1]]) }), 'attention_mask has shape [2, 2] but input_ids has shape [2, 3]; they must match'],
    ['token types of another shape', () => ({ inputIds: ids([[2, 5, 3]]), tokenTypeIds: ids([[0, 0, 0, 0]]) }), 'token_type_ids has shape [1, 4] but input_ids has shape [1, 3]'],
    ['a mask that is not 0/1', () => ({ inputIds: ids([[2, 5, 3]]), attentionMask: ids([[1, 2, 1]]) }), 'attention_mask must hold 0 (padding) and 1 (token), found values in [1, 2]'],
    ['float ids', () => ({ inputIds: tensor([[2, 5, 3]]) }), 'input_ids must be int32, got float32'],
    ['1-D ids', () => ({ inputIds: tensor(Int32Array.from([2, 5, 3])) }), 'input_ids must be [batch, seq_len], got shape [3]'],
  ])('%s', (_, make, message) => {
    const inputs = make();
    const before = memory().liveBuffers;
    expect(() => model.forward(inputs)).toThrow(BertInputError);
    expect(() => model.forward(inputs)).toThrow(message);
    expect(memory().liveBuffers).toBe(before); // rejected before any GPU work
    for (const t of Object.values(inputs)) t.dispose();
  });
});

describe('semantics', () => {
  test('absent token types and mask mean all 0 and all 1', async () => {
    const inputIds = ids([[2, 7, 8, 3, 9, 3], [2, 10, 11, 12, 13, 3]]);
    const full = noGrad(() => model.forward({ inputIds, tokenTypeIds: zeros([2, 6], { dtype: 'int32' }), attentionMask: ones([2, 6], { dtype: 'int32' }) }));
    const bare = noGrad(() => model.forward({ inputIds }));
    expect(maxDiff(await values(bare.lastHiddenState), await values(full.lastHiddenState))).toBeLessThanOrEqual(1e-6);
    expect(maxDiff(await values(bare.logits), await values(full.logits))).toBeLessThanOrEqual(1e-6);
    for (const t of [inputIds, ...Object.values(full), ...Object.values(bare)]) t.dispose();
  });

  test('padding changes nothing for the real tokens of a row (keys are masked, float32 masks work too)', async () => {
    const real = [2, 7, 8, 3];
    const batchIds = ids([[2, 10, 11, 12, 13, 3], [...real, 0, 0]]);
    const types = ids([[0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0]]);
    const mask = tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]]);
    const batch = noGrad(() => model.forward({ inputIds: batchIds, tokenTypeIds: types, attentionMask: mask }));
    const aloneIds = ids([real]);
    const alone = noGrad(() => model.forward({ inputIds: aloneIds }));
    const h = 32;
    const batchRow = (await values(batch.lastHiddenState)).subarray(6 * h + 0, 6 * h + real.length * h);
    const aloneRow = await values(alone.lastHiddenState);
    expect(maxDiff(batchRow, aloneRow)).toBeLessThanOrEqual(1e-5);
    expect(maxDiff((await values(batch.logits)).subarray(3, 6), await values(alone.logits))).toBeLessThanOrEqual(1e-5);
    // And the padding really is masked: attending to it would change the row.
    const unmasked = noGrad(() => model.forward({ inputIds: batchIds, tokenTypeIds: types }));
    expect(maxDiff((await values(unmasked.lastHiddenState)).subarray(6 * h, 6 * h + real.length * h), aloneRow)).toBeGreaterThan(1e-3);
    for (const t of [batchIds, types, mask, aloneIds, ...Object.values(batch), ...Object.values(alone), ...Object.values(unmasked)]) t.dispose();
  });
});
