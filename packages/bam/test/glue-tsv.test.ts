import { describe, expect, test } from 'vitest';
import { parseTsv } from '../src/glue/index.js';

describe('parseTsv (tab-separated, no quoting)', () => {
  test('splits fields on tabs and keeps quotes as literal characters', () => {
    expect(parseTsv('a\t"b\tc"\n"d"\t\te\n')).toEqual([
      { line: 1, fields: ['a', '"b', 'c"'] },
      { line: 2, fields: ['"d"', '', 'e'] },
    ]);
  });

  test('an unbalanced quote does not swallow the following lines', () => {
    expect(parseTsv('"open\tx\nnext\ty\n').map((r) => r.fields)).toEqual([['"open', 'x'], ['next', 'y']]);
  });

  test('accepts \\n, \\r\\n and lone \\r line endings, with or without a final one', () => {
    expect(parseTsv('a\r\nb\rc\nd').map((r) => [r.line, r.fields[0]])).toEqual([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']]);
  });

  test('a blank line in the middle is a row with one empty field; the final newline adds no row', () => {
    expect(parseTsv('a\n\nb\n').map((r) => r.fields)).toEqual([['a'], [''], ['b']]);
    expect(parseTsv('')).toEqual([]);
    expect(parseTsv('\n')).toEqual([{ line: 1, fields: [''] }]);
  });

  test('drops a leading byte-order mark', () => {
    expect(parseTsv('\uFEFFQuality\tx\n')[0].fields).toEqual(['Quality', 'x']);
  });
});
