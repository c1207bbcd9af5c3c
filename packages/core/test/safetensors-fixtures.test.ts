// The PyTorch reference fixtures (scripts/fixtures/bert_reference.py) must parse,
// hold exactly the tensors their config.json implies, and re-serialize to the
// very bytes the Python writer produced.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  parseSafetensors,
  serializeSafetensors,
  toFloat64,
  toInt32,
  type ParsedSafetensors,
} from '../src/io/safetensors.js';

const ROOT = fileURLToPath(new URL('../../bert/test/fixtures/reference/', import.meta.url));

interface BertConfig {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  layer_norm_eps: number;
  hidden_act: string;
  /** Absent in masked-LM configs. */
  id2label?: Record<string, string>;
  label2id?: Record<string, number>;
  architectures: string[];
  model_type: string;
}

const MLM = 'BertForMaskedLM';

function isMaskedLM(c: BertConfig): boolean {
  return c.architectures[0] === MLM;
}

/**
 * Hugging Face parameter names and shapes (Linear weights are [out, in]):
 * BertForSequenceClassification, or BertForMaskedLM (no pooler; its decoder
 * is tied to the word-embedding table, so it is not a tensor of its own).
 */
function bertParameters(c: BertConfig): Map<string, number[]> {
  const h = c.hidden_size;
  const p = new Map<string, number[]>();
  const linear = (name: string, out: number, inp: number) => {
    p.set(`${name}.weight`, [out, inp]);
    p.set(`${name}.bias`, [out]);
  };
  const layerNorm = (name: string) => {
    p.set(`${name}.weight`, [h]);
    p.set(`${name}.bias`, [h]);
  };
  p.set('bert.embeddings.word_embeddings.weight', [c.vocab_size, h]);
  p.set('bert.embeddings.position_embeddings.weight', [c.max_position_embeddings, h]);
  p.set('bert.embeddings.token_type_embeddings.weight', [c.type_vocab_size, h]);
  layerNorm('bert.embeddings.LayerNorm');
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const l = `bert.encoder.layer.${i}`;
    for (const qkv of ['query', 'key', 'value']) linear(`${l}.attention.self.${qkv}`, h, h);
    linear(`${l}.attention.output.dense`, h, h);
    layerNorm(`${l}.attention.output.LayerNorm`);
    linear(`${l}.intermediate.dense`, c.intermediate_size, h);
    linear(`${l}.output.dense`, h, c.intermediate_size);
    layerNorm(`${l}.output.LayerNorm`);
  }
  if (isMaskedLM(c)) {
    p.set('cls.predictions.bias', [c.vocab_size]);
    linear('cls.predictions.transform.dense', h, h);
    layerNorm('cls.predictions.transform.LayerNorm');
  } else {
    linear('bert.pooler.dense', h, h);
    linear('classifier', Object.keys(c.id2label ?? {}).length, h);
  }
  return p;
}

function load(dir: string, file: string): { bytes: Uint8Array; parsed: ParsedSafetensors } {
  const path = `${dir}/${file}`;
  const bytes = new Uint8Array(readFileSync(path));
  return { bytes, parsed: parseSafetensors(bytes, path) };
}

function shapesOf(parsed: ParsedSafetensors): Map<string, [string, number[]]> {
  return new Map([...parsed.tensors].map(([n, e]) => [n, [e.dtype, e.shape]]));
}

const folders = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

test('the four reference configurations are present', () => {
  expect(folders).toEqual(['tiny-a', 'tiny-b-regression', 'tiny-c-eps', 'tiny-mlm']);
});

describe.each(folders)('fixture %s', (name) => {
  const dir = `${ROOT}${name}`;
  const config = JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')) as BertConfig;
  const params = bertParameters(config);
  const model = load(dir, 'model.safetensors');
  const expected = load(dir, 'expected.safetensors');

  test('config.json is a Hugging Face BERT classification or masked-LM config', () => {
    expect(config.model_type).toBe('bert');
    expect(config.hidden_act).toBe('gelu');
    expect(config.hidden_size % config.num_attention_heads).toBe(0);
    if (isMaskedLM(config)) {
      expect(config.architectures).toEqual([MLM]);
      expect(config.id2label).toBeUndefined();
    } else {
      expect(config.architectures).toEqual(['BertForSequenceClassification']);
      const { id2label = {}, label2id = {} } = config;
      expect(Object.keys(id2label).length).toBeGreaterThan(0);
      expect(Object.entries(label2id).map(([l, i]) => id2label[String(i)] === l)).not.toContain(false);
    }
  });

  test('vocab.txt has vocab_size tokens with the special ones first', () => {
    const tokens = readFileSync(`${dir}/vocab.txt`, 'utf8').split('\n').filter((l) => l !== '');
    expect(tokens.length).toBe(config.vocab_size);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  });

  test('model.safetensors holds exactly the F32 parameters the config implies', () => {
    expect(model.parsed.metadata).toEqual({ format: 'pt' });
    expect(shapesOf(model.parsed)).toEqual(new Map([...params].map(([n, s]) => [n, ['F32', s]])));
  });

  test('expected.safetensors holds inputs, F64 outputs and one F64 gradient per parameter', () => {
    const ids = expected.parsed.tensors.get('input_ids')!;
    const [b, t] = ids.shape;
    const h = config.hidden_size;
    // Masked LM: per-token logits over the vocabulary, and a second loss on M positions.
    const logits = isMaskedLM(config) ? [b, t, config.vocab_size] : [b, Object.keys(config.id2label ?? {}).length];
    const want = new Map<string, [string, number[]]>([
      ['input_ids', ['I32', [b, t]]],
      ['token_type_ids', ['I32', [b, t]]],
      ['attention_mask', ['I32', [b, t]]],
      ['last_hidden_state', ['F64', [b, t, h]]],
      ['logits', ['F64', logits]],
      ['loss_weight_logits', ['F64', logits]],
      ['loss_weight_hidden', ['F64', [b, t, h]]],
      ['loss', ['F64', []]],
    ]);
    for (const [n, s] of params) want.set(`grad.${n}`, ['F64', s]);
    if (isMaskedLM(config)) {
      const m = expected.parsed.tensors.get('positions')?.shape[0] ?? 0;
      expect(m).toBeGreaterThan(0);
      want.set('positions', ['I32', [m]]);
      want.set('loss_weight_positions', ['F64', [m, config.vocab_size]]);
      want.set('loss_positions', ['F64', []]);
      for (const [n, s] of params) want.set(`grad_positions.${n}`, ['F64', s]);
    } else {
      want.set('pooled_output', ['F64', [b, h]]);
    }
    expect(shapesOf(expected.parsed)).toEqual(want);
    expect(b).toBeGreaterThanOrEqual(3);
    expect(b).toBeLessThanOrEqual(4);
    expect(t).toBeGreaterThanOrEqual(7);
    expect(t).toBeLessThanOrEqual(Math.min(13, config.max_position_embeddings));
  });

  test('the batch has pairs, right padding, a full row and a 2-3 token row', () => {
    const get = (n: string) => toInt32(expected.parsed.tensors.get(n)!);
    const [b, t] = expected.parsed.tensors.get('input_ids')!.shape;
    const ids = get('input_ids');
    const types = get('token_type_ids');
    const mask = get('attention_mask');
    const lengths: number[] = [];
    for (let r = 0; r < b; r++) {
      const row = Array.from(mask.subarray(r * t, (r + 1) * t));
      const n = row.indexOf(0) === -1 ? t : row.indexOf(0);
      expect(row).toEqual(row.map((_, i) => (i < n ? 1 : 0)));
      lengths.push(n);
      for (let i = 0; i < t; i++) {
        expect(ids[r * t + i]).toBeGreaterThanOrEqual(0);
        expect(ids[r * t + i]).toBeLessThan(config.vocab_size);
        expect([0, 1]).toContain(types[r * t + i]);
        if (i >= n) expect([ids[r * t + i], types[r * t + i]]).toEqual([0, 0]);
      }
    }
    expect(lengths).toContain(t);
    expect(lengths.some((n) => n >= 2 && n <= 3)).toBe(true);
    expect(Array.from(types)).toContain(1);
    expect(Array.from(ids)).toContain(config.vocab_size - 1);
  });

  // In a masked LM the table is also the decoder, whose [PAD] row gets a gradient from the [PAD] logits.
  test('the [PAD] row of the word-embedding gradient is zero (HF padding_idx) unless tied to a decoder; no gradient is all zero', () => {
    const g = toFloat64(expected.parsed.tensors.get('grad.bert.embeddings.word_embeddings.weight')!);
    const h = config.hidden_size;
    expect(Array.from(g.subarray(0, h)).every((x) => x === 0)).toBe(!isMaskedLM(config));
    const prefixes = isMaskedLM(config) ? ['grad.', 'grad_positions.'] : ['grad.'];
    for (const [n] of params) {
      for (const prefix of prefixes) {
        const grad = toFloat64(expected.parsed.tensors.get(`${prefix}${n}`)!);
        expect(grad.some((x) => x !== 0), prefix + n).toBe(true);
        expect(grad.every(Number.isFinite), prefix + n).toBe(true);
      }
    }
  });

  test.each(['model.safetensors', 'expected.safetensors'])('%s re-serializes to the identical bytes', (file) => {
    const { bytes, parsed } = file === 'model.safetensors' ? model : expected;
    const again = serializeSafetensors(
      [...parsed.tensors].map(([n, e]) => [n, { dtype: e.dtype, shape: e.shape, data: e.bytes }] as const),
      parsed.metadata,
    );
    expect(again.length).toBe(bytes.length);
    expect(firstDifference(again, bytes)).toBe(-1);
  });
});

// Element-wise toEqual on half a megabyte takes seconds; a plain loop does not.
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : Math.min(a.length, b.length);
}
