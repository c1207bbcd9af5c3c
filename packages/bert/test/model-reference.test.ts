// BertForSequenceClassification against the float64 PyTorch reference
// (scripts/fixtures/bert_torch.py): forward outputs and the gradient of every
// parameter, in eval mode, for three configurations. Error measure and
// bounds (outputs 1e-4, gradients 1e-3 relative): see reference-helpers.ts.
import { beforeAll, describe, expect, test } from 'vitest';
import { initNode, scope } from '@bamgpu/core/node';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';
import '../src/node.js'; // local folders by path
import { OUTPUT_TOL, REFERENCE_ROOT, checkRows, gradientRows, outputRow, referenceLoss, readSafetensors, referenceInputs, type ErrorRow } from './reference-helpers.js';

const FIXTURES = ['tiny-a', 'tiny-b-regression', 'tiny-c-eps'];

beforeAll(async () => {
  await initNode();
});

describe.each(FIXTURES)('%s', (name) => {
  test('outputs and every parameter gradient match float64 PyTorch', async () => {
    const dir = REFERENCE_ROOT + name;
    const expected = readSafetensors(`${dir}/expected.safetensors`);
    const model = await BertForSequenceClassification.fromPretrained(dir, { warn: false });
    expect(model.loadReport).toMatchObject({ missing: [], unexpected: [] });
    model.eval();

    const rows: ErrorRow[] = [];
    await scope(async () => {
      const out = model.forward(referenceInputs(expected));
      rows.push(await outputRow(out.lastHiddenState, expected, 'last_hidden_state'));
      rows.push(await outputRow(out.pooledOutput, expected, 'pooled_output'));
      rows.push(await outputRow(out.logits, expected, 'logits'));
      const loss = referenceLoss(out, expected);
      rows.push(await outputRow(loss, expected, 'loss', OUTPUT_TOL));
      loss.backward();
    });
    rows.push(...(await gradientRows(model, expected)));

    // padding_idx = pad_token_id: the [PAD] row of the table gets exactly no gradient.
    const table = model.bert.embeddings.word_embeddings.weight;
    const h = table.shape[1];
    const pad = model.config.padTokenId!;
    const grad = (await table.grad!.data()) as Float32Array;
    expect(Array.from(grad.subarray(pad * h, (pad + 1) * h)).every((v) => v === 0)).toBe(true);

    checkRows(name, rows);
    model.dispose();
  });
});
