// Loading vocabularies and configs, and the errors bad input produces.
// Path-based loading needs the Node entry's file access.
import '../src/node.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BertTokenizer, TokenizerError } from '../src/tokenizer/index.js';

const TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'cafe', 'café', 'Café', 'hello'];
const VOCAB_TEXT = TOKENS.join('\n') + '\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bert-tokenizer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modelDir(name: string, files: Record<string, string>): Promise<string> {
  const path = join(dir, name);
  await mkdir(path);
  for (const [file, text] of Object.entries(files)) await writeFile(join(path, file), text);
  return path;
}

describe('fromVocab', () => {
  test('accepts vocab.txt text; ids are line numbers', async () => {
    const tokenizer = await BertTokenizer.fromVocab(VOCAB_TEXT);
    expect(tokenizer.vocabSize).toBe(9);
    expect([tokenizer.padId, tokenizer.unkId, tokenizer.clsId, tokenizer.sepId, tokenizer.maskId]).toEqual([0, 1, 2, 3, 4]);
    expect(tokenizer.convertTokensToIds(['hello', 'nope'])).toEqual([8, 1]);
    expect(tokenizer.convertIdsToTokens([8, 0])).toEqual(['hello', '[PAD]']);
  });

  test('reads a file path', async () => {
    const path = join(dir, 'vocab-only.txt');
    await writeFile(path, VOCAB_TEXT);
    const tokenizer = await BertTokenizer.fromVocab(path, { lowercase: false });
    expect(tokenizer.tokenize('Café café')).toEqual(['Café', 'café']);
  });

  test('a missing file names the path', async () => {
    const path = join(dir, 'no-such-vocab.txt');
    await expect(BertTokenizer.fromVocab(path)).rejects.toThrow(`vocabulary file not found: ${path}`);
  });

  test('missing required special tokens are named', async () => {
    const error = await BertTokenizer.fromVocab('[PAD]\n[CLS]\nhello\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenizerError);
    expect((error as Error).message).toContain('lacks required special tokens [UNK], [SEP]');
    expect(() => new BertTokenizer(['[UNK]', '[SEP]'])).toThrow('lacks required special token [CLS];');
  });

  test('bad options are rejected by name', () => {
    const options = { lowercase: 'yes' } as unknown as { lowercase: boolean };
    expect(() => new BertTokenizer(TOKENS, options)).toThrow('BertTokenizerOptions.lowercase must be true or false, got "yes"');
  });
});

describe('fromPretrained', () => {
  test('without tokenizer_config.json it lower-cases', async () => {
    const path = await modelDir('no-config', { 'vocab.txt': VOCAB_TEXT });
    const tokenizer = await BertTokenizer.fromPretrained(path);
    expect(tokenizer.settings).toEqual({ lowercase: true, stripAccents: true, tokenizeChineseChars: true });
    expect(tokenizer.tokenize('Café')).toEqual(['cafe']);
  });

  test('do_lower_case false keeps case and accents', async () => {
    const config = JSON.stringify({ do_lower_case: false, strip_accents: null, model_max_length: 512 });
    const path = await modelDir('cased', { 'vocab.txt': VOCAB_TEXT, 'tokenizer_config.json': config });
    const tokenizer = await BertTokenizer.fromPretrained(path);
    expect(tokenizer.tokenize('Café')).toEqual(['Café']);
  });

  test('strip_accents false with do_lower_case true lower-cases but keeps accents', async () => {
    const config = JSON.stringify({ do_lower_case: true, strip_accents: false });
    const path = await modelDir('keep-accents', { 'vocab.txt': VOCAB_TEXT, 'tokenizer_config.json': config });
    expect((await BertTokenizer.fromPretrained(path)).tokenize('Café')).toEqual(['café']);
  });

  test('a missing vocab.txt names the path', async () => {
    const path = await modelDir('empty', {});
    await expect(BertTokenizer.fromPretrained(path)).rejects.toThrow(`vocabulary file not found: ${join(path, 'vocab.txt')}`);
  });

  test('invalid JSON names the file and line', async () => {
    const path = await modelDir('bad-json', { 'vocab.txt': VOCAB_TEXT, 'tokenizer_config.json': '{\n  "do_lower_case": true,\n}' });
    const error = await BertTokenizer.fromPretrained(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenizerError);
    expect((error as Error).message).toContain(`${join(path, 'tokenizer_config.json')}: invalid JSON`);
    expect((error as Error).message).toMatch(/line 3/);
  });

  test('a wrongly typed do_lower_case names the file and key', async () => {
    const path = await modelDir('bad-type', { 'vocab.txt': VOCAB_TEXT, 'tokenizer_config.json': '{"do_lower_case": "false"}' });
    await expect(BertTokenizer.fromPretrained(path)).rejects.toThrow(
      `${join(path, 'tokenizer_config.json')}: "do_lower_case" must be true or false, got "false"`,
    );
  });
});

describe('errors in use', () => {
  const tokenizer = new BertTokenizer(TOKENS);
  const noPad = new BertTokenizer(['[UNK]', '[CLS]', '[SEP]', 'hello']);

  test('ids out of range name the id and the vocabulary size', () => {
    expect(() => tokenizer.decode([2, 9])).toThrow('BertTokenizer.decode: token id 9 at position 1 is out of range for vocabulary size 9');
    expect(() => tokenizer.decode([-1])).toThrow('token id -1 at position 0');
    expect(() => tokenizer.convertIdsToTokens([1.5])).toThrow('BertTokenizer.convertIdsToTokens: token id 1.5');
  });

  test('maxLength must leave room for the special tokens', () => {
    expect(() => tokenizer.encode('hello', 'hello', { maxLength: 2 })).toThrow(
      'maxLength 2 cannot hold the 3 special tokens of [CLS] a [SEP] b [SEP]',
    );
    expect(() => tokenizer.encode('hello', undefined, { maxLength: 1 })).toThrow('maxLength 1 cannot hold the 2 special tokens');
    expect(() => tokenizer.encode('hello', undefined, { maxLength: -1 })).toThrow('maxLength must be a non-negative integer, got -1');
  });

  test('padToLength shorter than the encoding is an error', () => {
    expect(() => tokenizer.encode('hello hello', undefined, { padToLength: 3 })).toThrow(
      'the encoding has 4 tokens, more than padToLength 3',
    );
    expect(() => tokenizer.encodeBatch(['hello', 'hello hello hello'], { padToLength: 4 })).toThrow(
      'input 1 has 5 tokens, more than padToLength 4',
    );
  });

  test('padding without [PAD] in the vocabulary is an error; no padding needs none', () => {
    expect(() => noPad.padId).toThrow('has no [PAD] token');
    expect(() => noPad.encodeBatch(['hello', 'hello hello'])).toThrow('has no [PAD] token');
    expect(noPad.encodeBatch(['hello', 'hello']).inputIds).toEqual([
      [1, 3, 2],
      [1, 3, 2],
    ]);
  });

  test('non-string text and malformed batch items are rejected', () => {
    expect(() => tokenizer.tokenize(42 as unknown as string)).toThrow('BertTokenizer.tokenize: text must be a string, got number');
    const badItem = [['hello']] as unknown as [string, string][];
    expect(() => tokenizer.encodeBatch(badItem)).toThrow('input 0 must be a string or a [string, string] pair');
  });
});
