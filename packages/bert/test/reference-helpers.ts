// Shared by the tests that compare a model with a float64 PyTorch fixture
// (scripts/fixtures/bert_reference.py).
//
// Error measure, per tensor: rel = max|ours − ref| / max|ref| (the worst
// absolute error relative to the tensor's scale, so near-zero entries are not
// held to an impossible relative bound). Outputs must be within 1e-4,
// gradients within 1e-3.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { add, mul, parseSafetensors, sum, tensor, toFloat32, toFloat64, toInt32, type Module, type SafetensorEntry, type Tensor } from '@bamgpu/core/node';

export const REFERENCE_ROOT = fileURLToPath(new URL('./fixtures/reference/', import.meta.url));
export const OUTPUT_TOL = 1e-4;
export const GRAD_TOL = 1e-3;

export type Tensors = Map<string, SafetensorEntry>;

/** One compared tensor: its name, error and bound. */
export interface ErrorRow {
  tensor: string;
  rel: number;
  tol: number;
}

export function readSafetensors(path: string): Tensors {
  return parseSafetensors(new Uint8Array(readFileSync(path)), path).tensors;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max|ours − ref| / scale, scale = max|ref| unless given. */
export function relError(ours: Float32Array, ref: Float64Array, scale = maxAbs(ref)): number {
  expect(ours.length).toBe(ref.length);
  let err = 0;
  for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(ours[i] - ref[i]));
  // An all-zero reference must be matched exactly (0), anything else is +∞.
  return scale === 0 ? (err === 0 ? 0 : Infinity) : err / scale;
}

export function entry(tensors: Tensors, name: string): SafetensorEntry {
  const e = tensors.get(name);
  if (!e) throw new Error(`expected.safetensors has no "${name}"`);
  return e;
}

export function upload(e: SafetensorEntry, kind: 'int32' | 'float32'): Tensor {
  return kind === 'int32' ? tensor(toInt32(e), e.shape, { dtype: 'int32' }) : tensor(toFloat32(e), e.shape);
}

/** The fixture's model inputs, on the GPU. */
export function referenceInputs(expected: Tensors): { inputIds: Tensor; tokenTypeIds: Tensor; attentionMask: Tensor } {
  return {
    inputIds: upload(entry(expected, 'input_ids'), 'int32'),
    tokenTypeIds: upload(entry(expected, 'token_type_ids'), 'int32'),
    attentionMask: upload(entry(expected, 'attention_mask'), 'int32'),
  };
}

/** Compares a GPU tensor with the F64 reference `name`, shape first. */
/** The fixtures' scalar loss: sum(logits · R) + sum(last_hidden_state · S), with their fixed random R and S. */
export function referenceLoss(out: { logits: Tensor; lastHiddenState: Tensor }, expected: Tensors): Tensor {
  const r = upload(entry(expected, 'loss_weight_logits'), 'float32');
  const s = upload(entry(expected, 'loss_weight_hidden'), 'float32');
  return add(sum(mul(out.logits, r)), sum(mul(out.lastHiddenState, s)));
}

export async function outputRow(t: Tensor, expected: Tensors, name: string, tol = OUTPUT_TOL): Promise<ErrorRow> {
  const ref = entry(expected, name);
  expect(t.shape, name).toEqual(ref.shape);
  return { tensor: name, rel: relError((await t.data()) as Float32Array, toFloat64(ref)), tol };
}

/**
 * One row per parameter: its gradient against `<prefix><name>` of the
 * fixture, which must hold a gradient for exactly the model's parameters.
 *
 * The key bias's exact gradient is 0 (it adds q·b, the same constant, to
 * every key's score of a query, which softmax ignores), so its reference is
 * float64 round-off (~1e-18) and ours float32 round-off; its error is
 * measured against the scale of the same layer's key-weight gradient.
 */
export async function gradientRows(model: Module, expected: Tensors, prefix = 'grad.'): Promise<ErrorRow[]> {
  const gradNames = [...expected.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  const paramNames = [...model.namedParameters()].map(([n]) => n);
  expect([...paramNames].sort()).toEqual(gradNames.sort());
  const rows: ErrorRow[] = [];
  for (const [pname, p] of model.namedParameters()) {
    expect(p.grad, `no gradient for ${pname}`).not.toBeNull();
    const ours = (await p.grad!.data()) as Float32Array;
    const ref = toFloat64(entry(expected, `${prefix}${pname}`));
    let scale = maxAbs(ref);
    if (pname.endsWith('attention.self.key.bias')) {
      const weightScale = maxAbs(toFloat64(entry(expected, `${prefix}${pname.replace(/bias$/, 'weight')}`)));
      expect(scale, `${pname}: reference should be round-off`).toBeLessThan(1e-12 * weightScale);
      scale = weightScale;
    }
    rows.push({ tensor: `${prefix}${pname}`, rel: relError(ours, ref, scale), tol: GRAD_TOL });
  }
  return rows;
}

/** Logs every row (worst first) and asserts each is within its bound. */
export function checkRows(label: string, rows: readonly ErrorRow[]): void {
  const sorted = [...rows].sort((a, b) => b.rel - a.rel);
  console.log(`${label}: relative error per tensor, worst first\n` + sorted.map((r) => `  ${r.rel.toExponential(2)}  ${r.tensor}`).join('\n'));
  for (const row of rows) expect(row.rel, row.tensor).toBeLessThanOrEqual(row.tol);
}
