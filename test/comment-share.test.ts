// Measurement histories live in docs/perf/, not in the code: every source file
// in packages/*/src and benchmarks/src keeps its comments to the limit that
// scripts/comment-share.mjs states (40% of its lines, a 12-line floor, a short
// exempt list with reasons). `node scripts/comment-share.mjs --check` lists them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

interface Row { file: string; comment: number; code: number; share: number }
interface CommentShare {
  root: string;
  MAX_SHARE: number;
  FLOOR: number;
  EXEMPT: Record<string, string>;
  countLines(text: string): { comment: number; code: number };
  commentShares(): Row[];
  overLimit(row: Row): boolean;
}
// @ts-expect-error -- a plain .mjs script without types
const cs = (await import('../scripts/comment-share.mjs')) as CommentShare;

test('the line counter tells comment lines from code lines', () => {
  const text = [
    '/**', ' * header', ' */', '', 'const a = 1; // trailing: code', '// line comment',
    '/* one-line block */', '/* block */ const b = 2;', '/* opens', ' closes */ const c = 3;', '  const s = "// not a comment";',
  ].join('\n');
  // comment: /** * */, // line, /* one-line */, /* opens  → 6; code: a, b, closes-with-code, s → 4
  expect(cs.countLines(text)).toEqual({ comment: 6, code: 4 });
});

test('it covers every package source folder and the benchmarks', () => {
  const files = cs.commentShares().map((r) => r.file);
  for (const dir of ['packages/core/src/', 'packages/bert/src/', 'packages/bam/src/', 'benchmarks/src/']) {
    expect(files.some((f) => f.startsWith(dir)), dir).toBe(true);
  }
  expect(files).toContain('packages/core/src/ops/attention.ts');
  for (const f of Object.keys(cs.EXEMPT)) expect(files, `exempt file ${f} still exists`).toContain(f);
});

test(`no source file is over ${100 * cs.MAX_SHARE}% comments`, () => {
  const over = cs.commentShares().filter(cs.overLimit).map((r) => `${r.file}: ${(100 * r.share).toFixed(1)}% (${r.comment} of ${r.comment + r.code} lines)`);
  expect(over).toEqual([]);
});

test('the choosers whose histories moved keep a short rule and a link to docs/perf', () => {
  const links: Record<string, string> = {
    'packages/core/src/ops/attention.ts': 'docs/perf/attention.md',
    'packages/core/src/kernels/matmul-choose.ts': 'docs/perf/matmul.md',
    'packages/core/src/runtime/settle.ts': 'docs/perf/waits.md',
    'packages/core/src/kernels/row-lanes.ts': 'docs/perf/rows.md',
  };
  for (const [file, doc] of Object.entries(links)) {
    expect(readFileSync(join(cs.root, file), 'utf8'), file).toContain(doc);
    expect(readFileSync(join(cs.root, doc), 'utf8').length, doc).toBeGreaterThan(500);
  }
});
