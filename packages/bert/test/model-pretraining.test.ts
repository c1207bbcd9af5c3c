// BertForPreTraining: HF names; its masked-LM logits are BertForMaskedLM's
// (checked against PyTorch in model-masked-lm.test.ts) on the same weights;
// its next-sentence logits are the Linear on the pooler (the pooler is
// checked against PyTorch in model-reference.test.ts), computed here in
// float64 from the read-back weights; the tied table gets both uses' gradient;
// and fine-tuning models take its encoder and pooler.
import { readFileSync } from 'node:fs';
import { crossEntropy, initNode, scope, tensor, type Tensor } from '@bamgpu/core/node';
import { beforeAll, expect, test } from 'vitest';
import { memoryFolder } from '../src/checkpoint/folder-io.js';
import { BertForMaskedLM } from '../src/model/masked-lm.js';
import { BertForPreTraining } from '../src/model/pretraining.js';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';
import { parseBertConfigText } from '../src/config.js';
import { REFERENCE_ROOT } from './reference-helpers.js';

const config = parseBertConfigText(readFileSync(`${REFERENCE_ROOT}tiny-mlm/config.json`, 'utf8'), 'tiny-mlm/config.json');
beforeAll(async () => {
  await initNode();
});

const ids = () => tensor(Int32Array.from([2, 7, 9, 11, 3, 12, 14, 3, 2, 8, 3, 0]), [2, 6], { dtype: 'int32' });
const types = () => tensor(Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0].slice(0, 12)), [2, 6], { dtype: 'int32' });
const mask = () => tensor(Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]), [2, 6], { dtype: 'int32' });
const data = async (t: Tensor) => Array.from((await t.data()) as Float32Array);

test('HF parameter names, the table once, and the heads of BertForPreTraining', () => {
  const m = BertForPreTraining.fromConfig(config);
  const names = [...m.namedParameters()].map(([n]) => n);
  expect(names.filter((n) => n === 'bert.embeddings.word_embeddings.weight')).toHaveLength(1);
  expect(names.filter((n) => n.startsWith('cls.'))).toEqual([
    'cls.predictions.bias', 'cls.predictions.transform.dense.weight', 'cls.predictions.transform.dense.bias',
    'cls.predictions.transform.LayerNorm.weight', 'cls.predictions.transform.LayerNorm.bias',
    'cls.seq_relationship.weight', 'cls.seq_relationship.bias',
  ]);
  expect(names).toContain('bert.pooler.dense.weight');
  m.dispose();
});

test('masked-LM logits equal BertForMaskedLM on the same weights; next-sentence logits are the pooler through seq_relationship', async () => {
  const pre = BertForPreTraining.fromConfig(config).eval();
  const mlm = BertForMaskedLM.fromConfig(config).eval();
  const state = await pre.stateDict();
  mlm.loadStateDict(new Map([...state].filter(([n]) => !n.startsWith('bert.pooler') && !n.startsWith('cls.seq_relationship')).map(([n, v]) => [n, v.data])));
  await scope(async () => {
    const inputs = { inputIds: ids(), tokenTypeIds: types(), attentionMask: mask() };
    const a = pre.forward(inputs);
    const b = mlm.forward(inputs);
    expect(await data(a.logits)).toEqual(await data(b.logits));
    const pooled = await data(a.pooledOutput);
    const w = state.get('cls.seq_relationship.weight')!.data;
    const bias = state.get('cls.seq_relationship.bias')!.data;
    const h = config.hiddenSize;
    const nsp = await data(a.seqRelationshipLogits);
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 2; c++) {
        let ref = bias[c];
        for (let k = 0; k < h; k++) ref += pooled[r * h + k] * w[c * h + k];
        expect(Math.abs(nsp[r * 2 + c] - ref)).toBeLessThan(1e-5);
      }
    }
  });
  pre.dispose();
  mlm.dispose();
});

test('the next-sentence loss reaches the table through the encoder and the pooler through its head', async () => {
  const pre = BertForPreTraining.fromConfig(config).eval();
  scope(() => {
    const out = pre.forward({ inputIds: ids(), tokenTypeIds: types(), attentionMask: mask() });
    crossEntropy(out.seqRelationshipLogits, tensor(Int32Array.from([0, 1]), [2], { dtype: 'int32' })).backward();
  });
  for (const name of ['bert.pooler.dense.weight', 'cls.seq_relationship.weight', 'bert.embeddings.word_embeddings.weight']) {
    const p = new Map(pre.namedParameters()).get(name)!;
    expect(p.grad, name).not.toBeNull();
    expect((await data(p.grad!)).some((v) => v !== 0), name).toBe(true);
  }
  // The masked-LM head played no part: its gradient is absent or zero.
  const head = new Map(pre.namedParameters()).get('cls.predictions.transform.dense.weight')!;
  expect(head.grad === null || (await data(head.grad)).every((v) => v === 0)).toBe(true);
  pre.dispose();
});

test('save → fromPretrained is exact; fine-tuning takes the encoder and the pooler', async () => {
  const pre = BertForPreTraining.fromConfig(config);
  const folder = memoryFolder();
  await pre.save(folder);
  expect(JSON.parse(new TextDecoder().decode(folder.files.get('config.json')!)).architectures).toEqual(['BertForPreTraining']);
  const again = await BertForPreTraining.fromPretrained(folder, { warn: false });
  expect(again.loadReport).toMatchObject({ missing: [], unexpected: [] });
  const clf = await BertForSequenceClassification.fromPretrained(folder, { warn: false });
  expect(clf.loadReport!.missing.sort()).toEqual(['classifier.bias', 'classifier.weight']);
  expect(await data(clf.bert.pooler!.dense.weight)).toEqual(await data(pre.bert.pooler!.dense.weight));
  for (const m of [pre, again, clf]) m.dispose();
});
