// Checks the TypeScript tokenizer against cases.json, written by the independent
// Python reference scripts/fixtures/tokenizer_reference.py (re-run it after
// editing vocab.txt or the case list there).
// Path-based loading needs the Node entry's file access.
import '../src/node.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { BertTokenizer, type BatchInput, type BertBatchEncoding, type BertEncoding, type BertTokenizerOptions } from '../src/tokenizer/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/tokenizer/', import.meta.url));

interface TokenizeCase { name: string; options: BertTokenizerOptions; text: string; tokens: string[]; ids: number[] }
interface EncodeCase {
  name: string; options: BertTokenizerOptions; a: string; b?: string; maxLength?: number; padToLength?: number;
  expected: BertEncoding;
}
interface BatchCase {
  name: string; options: BertTokenizerOptions; items: string[][]; maxLength?: number; padToLength?: number;
  expected: BertBatchEncoding;
}
interface DecodeCase {
  name: string; options: BertTokenizerOptions; ids: number[]; skipSpecialTokens: boolean;
  cleanUpTokenizationSpaces: boolean; text: string;
}
interface Cases {
  vocabFile: string; vocabSize: number;
  tokenize: TokenizeCase[]; encode: EncodeCase[]; encodeBatch: BatchCase[]; decode: DecodeCase[];
}

const cases = JSON.parse(readFileSync(`${FIXTURES}cases.json`, 'utf8')) as Cases;
const vocabPath = `${FIXTURES}${cases.vocabFile}`;

// One tokenizer per distinct option set, all loaded through fromVocab(path).
const tokenizers = new Map<string, Promise<BertTokenizer>>();
function tokenizerFor(options: BertTokenizerOptions): Promise<BertTokenizer> {
  const key = JSON.stringify(options);
  let tokenizer = tokenizers.get(key);
  if (tokenizer === undefined) {
    tokenizer = BertTokenizer.fromVocab(vocabPath, options);
    tokenizers.set(key, tokenizer);
  }
  return tokenizer;
}

function toBatchInput(item: string[]): BatchInput {
  return item.length === 1 ? item[0] : [item[0], item[1]];
}

test('fixture file has cases of every kind', async () => {
  expect(cases.tokenize.length).toBeGreaterThan(50);
  expect(cases.encode.length).toBeGreaterThan(10);
  expect(cases.encodeBatch.length).toBeGreaterThan(3);
  expect(cases.decode.length).toBeGreaterThan(3);
  expect((await tokenizerFor({})).vocabSize).toBe(cases.vocabSize);
});

describe('tokenize matches the Python reference', () => {
  test.each(cases.tokenize.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const tokenizer = await tokenizerFor(c.options);
    const tokens = tokenizer.tokenize(c.text);
    expect(tokens).toEqual(c.tokens);
    expect(tokenizer.convertTokensToIds(tokens)).toEqual(c.ids);
  });
});

describe('encode matches the Python reference', () => {
  test.each(cases.encode.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const tokenizer = await tokenizerFor(c.options);
    expect(tokenizer.encode(c.a, c.b, { maxLength: c.maxLength, padToLength: c.padToLength })).toEqual(c.expected);
  });
});

describe('encodeBatch matches the Python reference', () => {
  test.each(cases.encodeBatch.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const tokenizer = await tokenizerFor(c.options);
    const batch = tokenizer.encodeBatch(c.items.map(toBatchInput), { maxLength: c.maxLength, padToLength: c.padToLength });
    expect(batch).toEqual(c.expected);
  });
});

describe('decode matches the Python reference', () => {
  test.each(cases.decode.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const tokenizer = await tokenizerFor(c.options);
    const text = tokenizer.decode(c.ids, {
      skipSpecialTokens: c.skipSpecialTokens,
      cleanUpTokenizationSpaces: c.cleanUpTokenizationSpaces,
    });
    expect(text).toBe(c.text);
  });
});
