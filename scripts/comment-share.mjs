#!/usr/bin/env node
/**
 * Comment share of each TypeScript source file: lines that hold only comment
 * text (a `//` line, or lines inside or opening a block comment) over all
 * non-blank lines. Lines with code and a trailing comment count as code.
 *
 *   node scripts/comment-share.mjs [--check] [dir …]
 *
 * Lists files, largest share first (default dirs: packages/*\/src and
 * benchmarks/src); with --check, marks and exits 1 on any file over the limit.
 * The limit (test/comment-share.test.ts holds every source file to it):
 * comments at most MAX_SHARE of a file's lines, except that any file may have
 * FLOOR comment lines (a header and a few field docs, which dominate a tiny
 * file), and the files in EXEMPT, each with its reason. Measurement histories
 * belong in docs/perf/, not in the code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const MAX_SHARE = 0.4;
export const FLOOR = 12;
/** Files (relative to the repo) held to no share, and why. Keep this short. */
export const EXEMPT = {
  'packages/bert/src/tokenizer/unicode-classes.ts': 'each regular expression\'s comment is its specification (Unicode categories, the reference\'s rule)',
  'packages/bam/src/glue/task-spec.ts': 'type declarations only: the field docs are the GLUE layout\'s reference',
  'benchmarks/src/types.ts': 'type declarations only: the field docs define the report\'s columns',
};

/** Whether a row from commentShares() breaks the limit. */
export function overLimit(row) {
  return !(row.file in EXEMPT) && row.comment > FLOOR && row.share > MAX_SHARE;
}

/** { comment, code } line counts of one file's text. */
export function countLines(text) {
  let comment = 0;
  let code = 0;
  let inBlock = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (inBlock) {
      comment++;
      if (line.includes('*/')) {
        inBlock = false;
        // Code after the block's close makes it a code line.
        if (line.slice(line.indexOf('*/') + 2).trim() !== '') { comment--; code++; }
      }
      continue;
    }
    if (line.startsWith('//')) { comment++; continue; }
    if (line.startsWith('/*')) {
      const close = line.indexOf('*/', 2);
      if (close < 0) { inBlock = true; comment++; continue; }
      if (line.slice(close + 2).trim() === '') { comment++; continue; }
    }
    code++;
  }
  return { comment, code };
}

/** Every .ts file under `dir` (not .d.ts), recursively. */
export function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The source folders the 40% rule covers. */
export function sourceDirs() {
  const pkgs = join(root, 'packages');
  const dirs = readdirSync(pkgs).map((p) => join(pkgs, p, 'src')).filter((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory());
  return [...dirs, join(root, 'benchmarks', 'src')];
}

/** [{ file (relative to the repo), comment, code, share }], largest share first. */
export function commentShares(dirs = sourceDirs()) {
  const rows = [];
  for (const dir of dirs) {
    for (const f of tsFiles(dir)) {
      const { comment, code } = countLines(readFileSync(f, 'utf8'));
      const total = comment + code;
      rows.push({ file: relative(root, f), comment, code, share: total === 0 ? 0 : comment / total });
    }
  }
  return rows.sort((a, b) => b.share - a.share || a.file.localeCompare(b.file));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const dirs = args.filter((a) => a !== '--check').map((a) => join(process.cwd(), a));
  const rows = commentShares(dirs.length ? dirs : undefined);
  for (const r of rows) {
    const flag = r.file in EXEMPT ? '  (exempt)' : check && overLimit(r) ? '  OVER' : '';
    console.log(`${(100 * r.share).toFixed(1).padStart(5)}%  ${String(r.comment).padStart(4)}/${String(r.comment + r.code).padEnd(5)} ${r.file}${flag}`);
  }
  if (check && rows.some(overLimit)) process.exit(1);
}
