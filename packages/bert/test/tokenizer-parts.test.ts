// Unit tests of the tokenizer's building blocks, with hand-worked expectations.
import { describe, expect, test } from 'vitest';
import {
  basicTokenize,
  cleanText,
  lowercaseEachChar,
  splitOnPunctuation,
  stripAccents,
} from '../src/tokenizer/basic-tokenizer.js';
import { cleanUpTokenizationSpaces, joinWordPieces } from '../src/tokenizer/decode-text.js';
import { splitOnSpecialTokens } from '../src/tokenizer/special-tokens.js';
import { truncateLongestFirst } from '../src/tokenizer/truncation.js';
import { indexVocabulary, parseVocabText } from '../src/tokenizer/vocab.js';
import { wordpieceTokenize } from '../src/tokenizer/wordpiece.js';

const UNCASED = { lowercase: true, stripAccents: true, tokenizeChineseChars: true };

describe('cleanText', () => {
  test('drops C* characters and U+FFFD, turns \\t \\n \\r and Zs into spaces', () => {
    expect(cleanText('a\u0000b\u0007c\u200Bd\uFEFFe\uE000f\uFFFDg')).toBe('abcdefg');
    expect(cleanText('a\tb\nc\rd\u00A0e\u3000f\u2003g')).toBe('a b c d e f g');
    // Form feed and vertical tab are Cc, not Zs: removed, not spaced (as in the reference).
    expect(cleanText('a\fb\vc')).toBe('abc');
    // U+2028 is Zl: cleaning keeps it; the whitespace split handles it.
    expect(cleanText('a\u2028b')).toBe('a\u2028b');
  });
});

describe('lowercase and accents', () => {
  test('per-character lower-casing never produces final sigma', () => {
    expect(lowercaseEachChar('ΟΔΟΣ')).toBe('οδοσ');
    expect('ΟΔΟΣ'.toLowerCase()).toBe('οδος'); // what whole-word lower-casing would give
    expect(lowercaseEachChar('İ')).toBe('i\u0307');
  });

  test('stripAccents drops combining marks after NFD only', () => {
    expect(stripAccents('café naïve Å')).toBe('cafe naive A');
    expect(stripAccents('ß')).toBe('ß'); // no decomposition
    expect(stripAccents('\u0301')).toBe('');
  });
});

describe('splitOnPunctuation', () => {
  test('ASCII symbols and Unicode P* split; other symbols do not', () => {
    expect(splitOnPunctuation("it's$5")).toEqual(['it', "'", 's', '$', '5']);
    expect(splitOnPunctuation('“a”—b¿')).toEqual(['“', 'a', '”', '—', 'b', '¿']);
    expect(splitOnPunctuation('a©b€c')).toEqual(['a©b€c']); // So and Sc outside ASCII are not punctuation
  });
});

describe('basicTokenize', () => {
  test('runs the whole pipeline', () => {
    expect(basicTokenize('Héllo,世界!\u00A0OK', UNCASED)).toEqual(['hello', ',', '世', '界', '!', 'ok']);
  });

  test('a spacing modifier that decomposes to "`" becomes punctuation only when accents are stripped', () => {
    // U+1FEF GREEK VARIA is Sk (not punctuation); NFD maps it to U+0060, which is.
    expect(basicTokenize('a\u1FEFb', UNCASED)).toEqual(['a', '`', 'b']);
    expect(basicTokenize('a\u1FEFb', { ...UNCASED, lowercase: false, stripAccents: false })).toEqual(['a\u1FEFb']);
  });
});

describe('splitOnSpecialTokens', () => {
  test('cuts exact spellings anywhere, leftmost first', () => {
    expect(splitOnSpecialTokens('a[SEP]b [[MASK]][sep]')).toEqual([
      { text: 'a', special: false },
      { text: '[SEP]', special: true },
      { text: 'b [', special: false },
      { text: '[MASK]', special: true },
      { text: '][sep]', special: false },
    ]);
    expect(splitOnSpecialTokens('')).toEqual([]);
  });
});

describe('wordpieceTokenize', () => {
  const vocab = indexVocabulary(['[UNK]', 'un', 'una', '##ff', '##f', '##ab', '##able', '𝐀', '##𝐀']);

  test('takes the longest match at each position, not the longest first piece overall', () => {
    // "una" is longer than "un", so "unaffable" → una, then "ffable": ##ff, ##able.
    expect(wordpieceTokenize('unaffable', vocab, '[UNK]')).toEqual(['una', '##ff', '##able']);
    // "unfable": "un" then "##f", "##able" (there is no "unf").
    expect(wordpieceTokenize('unfable', vocab, '[UNK]')).toEqual(['un', '##f', '##able']);
  });

  test('greedy does not backtrack: an unmatched tail makes the word [UNK]', () => {
    // "un" + "##ab" would cover "unab", but greedy takes "una" and then finds no "##b".
    expect(wordpieceTokenize('unab', vocab, '[UNK]')).toEqual(['[UNK]']);
  });

  test('counts code points, not UTF-16 units', () => {
    const word = '𝐀'.repeat(100); // 200 UTF-16 units
    expect(wordpieceTokenize(word, vocab, '[UNK]')).toHaveLength(100);
    expect(wordpieceTokenize('𝐀'.repeat(101), vocab, '[UNK]')).toEqual(['[UNK]']);
  });
});

describe('truncateLongestFirst', () => {
  const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

  test('leaves sequences that fit untouched', () => {
    expect(truncateLongestFirst([1, 2], [3], 3)).toEqual([[1, 2], [3]]);
  });

  test('on a tie the second segment loses the token', () => {
    expect(truncateLongestFirst([1, 2], [3, 4], 3)).toEqual([[1, 2], [3]]);
  });

  test('takes from the longer segment, then alternates second-first', () => {
    // (6,2) room 5: the first segment loses three tokens → (3,2).
    expect(truncateLongestFirst(range(6), range(2, 10), 5)).toEqual([range(3), range(2, 10)]);
    // (4,4) room 5: tie → (4,3) → (3,3) → tie → (3,2).
    expect(truncateLongestFirst(range(4), range(4, 10), 5)).toEqual([range(3), range(2, 10)]);
    expect(truncateLongestFirst(range(4), range(4, 10), 0)).toEqual([[], []]);
  });
});

describe('vocab.txt parsing', () => {
  test('one token per line; final newline, BOM and CRLF handled; empty lines keep their id', () => {
    expect(parseVocabText('\uFEFF[PAD]\r\n\r\nhello\r\n')).toEqual(['[PAD]', '', 'hello']);
    expect(parseVocabText('a\nb')).toEqual(['a', 'b']);
    expect(parseVocabText(' a \n')).toEqual([' a ']);
    expect(parseVocabText('')).toEqual([]);
  });

  test('a duplicated token maps to its last id', () => {
    expect(indexVocabulary(['x', 'y', 'x']).get('x')).toBe(2);
  });
});

describe('decode helpers', () => {
  test('joinWordPieces glues ## continuations and trims', () => {
    expect(joinWordPieces(['un', '##aff', '##able', 'x', '##'])).toBe('unaffable x');
    expect(joinWordPieces([])).toBe('');
  });

  test('cleanUpTokenizationSpaces applies HF replacements in order', () => {
    expect(cleanUpTokenizationSpaces("i do n't know , it ' s fine . ok ?")).toBe("i don't know, it's fine. ok?");
  });
});
