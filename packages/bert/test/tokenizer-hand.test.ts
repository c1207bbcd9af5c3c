// Hand-worked expectations for the trickiest cases, independent of the Python
// reference that generates fixtures/tokenizer/cases.json, so the two cross-check.
import { describe, expect, test } from 'vitest';
import { BertTokenizer } from '../src/tokenizer/index.js';

// Ids are array positions: this row holds ids 0–9 ([PAD]=0 … world=9),
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'un', '##aff', '##able', 'hello', 'world',
  // ids 10–23 ('.'=10, ','=11, …),
  '.', ',', '[', ']', 'sep', 'SEP', 'angstrom', 'Å', '##ng', '##str', '##ö', '##m', '中', '国',
  // ids 24–33.
  'ο', '##δο', '##σ', '##ς', 'ab', '##ab', 'a', '##a', '¿', 'que'];

const uncased = new BertTokenizer(VOCAB);
const cased = new BertTokenizer(VOCAB, { lowercase: false });

describe('basic tokenization and WordPiece', () => {
  test('greedy longest match with ## continuations', () => {
    expect(uncased.tokenize('unaffable')).toEqual(['un', '##aff', '##able']);
    expect(uncased.convertTokensToIds(['un', '##aff', '##able'])).toEqual([5, 6, 7]);
  });

  test('a word that splits only partly is one [UNK]', () => {
    // "un" + "##aff" match, then nothing matches "x" → the whole word is unknown.
    expect(uncased.tokenize('unaffx hello')).toEqual(['[UNK]', 'hello']);
  });

  test('accents: uncased strips them after lower-casing, cased keeps them', () => {
    expect(uncased.tokenize('ÅNGSTRÖM')).toEqual(['angstrom']);
    expect(cased.tokenize('Ångström')).toEqual(['Å', '##ng', '##str', '##ö', '##m']);
  });

  test('capital sigma lower-cases to σ even at a word end (per-character, as Hugging Face)', () => {
    expect(uncased.tokenize('ΟΔΟΣ')).toEqual(['ο', '##δο', '##σ']);
    expect(uncased.tokenize('οδος')).toEqual(['ο', '##δο', '##ς']);
  });

  test('CJK ideographs become words of their own; punctuation is split off', () => {
    expect(uncased.tokenize('hello中国world.')).toEqual(['hello', '中', '国', 'world', '.']);
    expect(uncased.tokenize('¿que?')).toEqual(['¿', 'que', '[UNK]']); // "?" is not in this vocab
  });

  test('whitespace oddities: NBSP and U+3000 separate, zero-width and U+FFFD vanish', () => {
    expect(uncased.tokenize('hello\u00A0world\u3000hello')).toEqual(['hello', 'world', 'hello']);
    expect(uncased.tokenize('hel\u200Blo wor\uFFFDld\u0000')).toEqual(['hello', 'world']);
    expect(uncased.tokenize('hello\tworld\r\n\u2028hello')).toEqual(['hello', 'world', 'hello']);
  });

  test('a lone surrogate is removed, not turned into [UNK]', () => {
    expect(uncased.tokenize('hel\uD800lo')).toEqual(['hello']);
  });

  test('100 code points are split, 101 are [UNK]', () => {
    expect(uncased.tokenize('ab'.repeat(50))).toEqual(['ab', ...new Array<string>(49).fill('##ab')]);
    expect(uncased.tokenize('ab'.repeat(50) + 'a')).toEqual(['[UNK]']);
    expect(uncased.tokenize('a'.repeat(101))).toEqual(['[UNK]']);
  });
});

describe('special tokens in text', () => {
  test('kept whole and never lower-cased, with or without spaces around', () => {
    expect(uncased.tokenize('Hello [SEP] World')).toEqual(['hello', '[SEP]', 'world']);
    expect(uncased.tokenize('hello[MASK].')).toEqual(['hello', '[MASK]', '.']);
  });

  test('other spellings are ordinary text', () => {
    expect(uncased.tokenize('[sep]')).toEqual(['[', 'sep', ']']);
    expect(cased.tokenize('[Sep]')).toEqual(['[', '[UNK]', ']']);
  });

  test('a zero-width space inside one: cased rejoins it, uncased has lower-cased it first', () => {
    expect(cased.tokenize('[SE\u200BP]')).toEqual(['[SEP]']);
    expect(uncased.tokenize('[SE\u200BP]')).toEqual(['[', 'sep', ']']);
  });
});

describe('encode', () => {
  test('pair layout, token types and attention', () => {
    // [CLS] hello [SEP] world . [SEP]
    expect(uncased.encode('hello', 'world.')).toEqual({
      inputIds: [2, 8, 3, 9, 10, 3],
      tokenTypeIds: [0, 0, 0, 1, 1, 1],
      attentionMask: [1, 1, 1, 1, 1, 1],
    });
  });

  test('truncation on a tie removes from the second segment first', () => {
    // 3 + 3 tokens + 3 specials = 9; maxLength 8 removes one token, from b.
    const encoding = uncased.encode('unaffable', 'hello world .', { maxLength: 8 });
    expect(encoding.inputIds).toEqual([2, 5, 6, 7, 3, 8, 9, 3]);
    expect(encoding.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
  });

  test('truncation removes from the longer segment until they tie, then from the second', () => {
    // a = 5 tokens, b = 2. maxLength 7 leaves room 4: (5,2) → (4,2) → (3,2) → (2,2).
    const long = 'hello hello hello hello hello';
    expect(uncased.encode(long, 'world world', { maxLength: 7 }).inputIds).toEqual([2, 8, 8, 3, 9, 9, 3]);
    // maxLength 6 leaves room 3: … (2,2) is a tie, so b loses one → (2,1).
    expect(uncased.encode(long, 'world world', { maxLength: 6 }).inputIds).toEqual([2, 8, 8, 3, 9, 3]);
  });

  test('padding uses [PAD] with token type 0 and attention 0', () => {
    expect(uncased.encode('hello', 'world', { padToLength: 7 })).toEqual({
      inputIds: [2, 8, 3, 9, 3, 0, 0],
      tokenTypeIds: [0, 0, 0, 1, 1, 0, 0],
      attentionMask: [1, 1, 1, 1, 1, 0, 0],
    });
  });

  test('batch pads every row to the longest', () => {
    // Rows: [CLS] hello world [SEP] (4) and [CLS] hello [SEP] world . [SEP] (6).
    expect(uncased.encodeBatch(['hello world', ['hello', 'world .']])).toEqual({
      inputIds: [
        [2, 8, 9, 3, 0, 0],
        [2, 8, 3, 9, 10, 3],
      ],
      tokenTypeIds: [
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 1, 1, 1],
      ],
      attentionMask: [
        [1, 1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1, 1],
      ],
    });
  });
});

describe('decode', () => {
  test('joins with spaces and glues ## continuations', () => {
    expect(uncased.decode([2, 5, 6, 7, 8, 3])).toBe('[CLS] unaffable hello [SEP]');
    expect(uncased.decode([2, 5, 6, 7, 8, 3, 0, 0], { skipSpecialTokens: true })).toBe('unaffable hello');
  });

  test('a leading continuation keeps its ## (nothing before it to glue to)', () => {
    expect(uncased.decode([6, 7])).toBe('##affable');
  });

  test('clean-up removes the space before punctuation only when asked', () => {
    expect(uncased.decode([8, 11, 9, 10])).toBe('hello , world .');
    expect(uncased.decode([8, 11, 9, 10], { cleanUpTokenizationSpaces: true })).toBe('hello, world.');
  });
});
