// BertForSequenceClassification against the float64 PyTorch reference
// (scripts/fixtures/bert_torch.py): forward outputs and the gradient of every
// parameter, in eval mode, for three configurations.
//
// Error measure, per tensor: rel = max|ours − ref| / max|ref| (the worst
// absolute error relative to the tensor's scale, so near-zero entries are not
// held to an impossible relative bound). Outputs must be within 1e-4,
// gradients within 1e-3.
//
// One exception: the key bias's exact gradient is 0 (it adds q·b, the same
// constant, to every key's score of a query, which softmax ignores), so its
// reference is float64 round-off (~1e-18) and ours float32 round-off; its
// error is measured against the scale of the same layer's key-weight gradient.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { add, initNode, mul, parseSafetensors, scope, sum, tensor, toFloat32, toFloat64, toInt32, type SafetensorEntry, type Tensor } from '@bamgpu/core/node';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';
import '../src/node.js'; // local folders by path

const ROOT = fileURLToPath(new URL('./fixtures/reference/', import.meta.url));
const FIXTURES = ['tiny-a', 'tiny-b-regression', 'tiny-c-eps'];
const OUTPUT_TOL = 1e-4;
const GRAD_TOL = 1e-3;

beforeAll(async () => {
  await initNode();
});

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max|ours − ref| / scale, scale = max|ref| unless given. */
function relError(ours: Float32Array, ref: Float64Array, scale = maxAbs(ref)): number {
  expect(ours.length).toBe(ref.length);
  let err = 0;
  for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(ours[i] - ref[i]));
  // An all-zero reference must be matched exactly (0), anything else is +∞.
  return scale === 0 ? (err === 0 ? 0 : Infinity) : err / scale;
}

function entry(tensors: Map<string, SafetensorEntry>, name: string): SafetensorEntry {
  const e = tensors.get(name);
  if (!e) throw new Error(`expected.safetensors has no "${name}"`);
  return e;
}

function upload(e: SafetensorEntry, kind: 'int32' | 'float32'): Tensor {
  return kind === 'int32' ? tensor(toInt32(e), e.shape, { dtype: 'int32' }) : tensor(toFloat32(e), e.shape);
}

describe.each(FIXTURES)('%s', (name) => {
  test('outputs and every parameter gradient match float64 PyTorch', async () => {
    const dir = ROOT + name;
    const expected = parseSafetensors(new Uint8Array(readFileSync(`${dir}/expected.safetensors`)), 'expected.safetensors').tensors;
    const model = await BertForSequenceClassification.fromPretrained(dir, { warn: false });
    expect(model.loadReport).toMatchObject({ missing: [], unexpected: [] });
    model.eval();

    const rows: { tensor: string; rel: number; tol: number }[] = [];
    await scope(async () => {
      const out = model.forward({
        inputIds: upload(entry(expected, 'input_ids'), 'int32'),
        tokenTypeIds: upload(entry(expected, 'token_type_ids'), 'int32'),
        attentionMask: upload(entry(expected, 'attention_mask'), 'int32'),
      });
      for (const [key, t] of [['last_hidden_state', out.lastHiddenState], ['pooled_output', out.pooledOutput], ['logits', out.logits]] as const) {
        const ref = entry(expected, key);
        expect(t.shape).toEqual(ref.shape);
        rows.push({ tensor: key, rel: relError((await t.data()) as Float32Array, toFloat64(ref)), tol: OUTPUT_TOL });
      }
      const r = upload(entry(expected, 'loss_weight_logits'), 'float32');
      const s = upload(entry(expected, 'loss_weight_hidden'), 'float32');
      const loss = add(sum(mul(out.logits, r)), sum(mul(out.lastHiddenState, s)));
      rows.push({ tensor: 'loss', rel: relError((await loss.data()) as Float32Array, toFloat64(entry(expected, 'loss'))), tol: OUTPUT_TOL });
      loss.backward();
    });

    const gradNames = [...expected.keys()].filter((k) => k.startsWith('grad.')).map((k) => k.slice('grad.'.length));
    const paramNames = [...model.namedParameters()].map(([n]) => n);
    expect(paramNames.sort()).toEqual(gradNames.sort());
    for (const [pname, p] of model.namedParameters()) {
      expect(p.grad, `no gradient for ${pname}`).not.toBeNull();
      const ours = (await p.grad!.data()) as Float32Array;
      const ref = toFloat64(entry(expected, `grad.${pname}`));
      let scale = maxAbs(ref);
      if (pname.endsWith('attention.self.key.bias')) {
        const weightScale = maxAbs(toFloat64(entry(expected, `grad.${pname.replace(/bias$/, 'weight')}`)));
        expect(scale, `${pname}: reference should be round-off`).toBeLessThan(1e-12 * weightScale);
        scale = weightScale;
      }
      rows.push({ tensor: `grad.${pname}`, rel: relError(ours, ref, scale), tol: GRAD_TOL });
      if (pname === 'bert.embeddings.word_embeddings.weight') {
        // padding_idx = pad_token_id: the [PAD] row gets exactly no gradient.
        const h = p.shape[1];
        const pad = model.config.padTokenId!;
        expect(Array.from(ours.subarray(pad * h, (pad + 1) * h)).every((v) => v === 0)).toBe(true);
      }
    }
    console.log(`${name}: worst relative error per tensor\n` + rows.map((r) => `  ${r.rel.toExponential(2)}  ${r.tensor}`).join('\n'));
    for (const row of rows) expect(row.rel, row.tensor).toBeLessThanOrEqual(row.tol);
    model.dispose();
  });
});
