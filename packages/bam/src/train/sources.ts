import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Example } from '../data/example.js';
import { decodeUtf8Strict } from '../glue/decode-utf8.js';
import { parseGlueSplit } from '../glue/parse-split.js';
import { getGlueSplit, resolveGlueTask } from '../glue/tasks.js';
import type { GlueTaskSpec } from '../glue/task-spec.js';
import { fromGlue, type TrainTask } from './task.js';

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * A split's file in either layout: the official GLUE download
 * (`RTE/train.tsv`, `SST-2/…`, `diagnostic/diagnostic.tsv`) or the BAM
 * reference's renamed one (`rte/train.tsv`, `sst/…`, `mnli/diagnostic.tsv`).
 */
export async function findGlueFile(glueDir: string, spec: GlueTaskSpec, split: string): Promise<string> {
  const layout = getGlueSplit(spec, split);
  const official = join(glueDir, ...layout.file.split('/'));
  const base = layout.file.split('/').pop()!;
  const candidates = [official, join(glueDir, spec.bamName, base)];
  if (spec.name === 'AX') candidates.push(join(glueDir, 'mnli', base));
  for (const c of candidates) if (await isFile(c)) return c;
  throw new GlueFileNotFoundError(`GLUE file not found for ${spec.name} ${layout.name}: looked for ${candidates.join(' and ')}`);
}

/** A split's file is absent (an optional split may be skipped; a malformed file never is). */
export class GlueFileNotFoundError extends Error {
  override name = 'GlueFileNotFoundError';
}

/** Where notices about the data go (skipped rows); default stderr. */
export type DataReport = (line: string) => void;

/**
 * Reads a split; `maxLines` keeps only the first lines of the file (header
 * included), as the reference's debug mode does. Skipped rows (QQP's broken
 * lines) are reported with their count and lines, never dropped silently.
 */
export async function readSplit(glueDir: string, spec: GlueTaskSpec, split: string, maxLines?: number, report: DataReport = (l) => console.warn(l)): Promise<Example[]> {
  const path = await findGlueFile(glueDir, spec, split);
  let text = decodeUtf8Strict(new Uint8Array(await readFile(path)), path);
  if (maxLines !== undefined) text = text.split(/\r?\n/).slice(0, maxLines).join('\n');
  const data = parseGlueSplit(text, spec, getGlueSplit(spec, split), path);
  if (data.skippedRows > 0) {
    const lines = data.skippedLines.slice(0, 10).join(', ') + (data.skippedRows > 10 ? ', …' : '');
    report(`${path}: skipped ${data.skippedRows} row(s) with too few fields (line ${lines}); the other examples keep their ids`);
  }
  return data.examples;
}

/** A GLUE task with train and dev (and test when present) loaded. MNLI's dev is dev_matched, as in the reference. */
export async function loadGlueTask(glueDir: string, name: string, opts: { maxLines?: number; withTest?: boolean; report?: DataReport } = {}): Promise<TrainTask> {
  const spec = resolveGlueTask(name);
  const train = await readSplit(glueDir, spec, 'train', opts.maxLines, opts.report);
  const dev = await readSplit(glueDir, spec, 'dev', opts.maxLines, opts.report);
  let test: Example[] = [];
  // MNLI has no split named test (test_matched/test_mismatched are read where predicted).
  if (opts.withTest && spec.splits.some((s) => s.name === 'test')) {
    try {
      test = await readSplit(glueDir, spec, 'test', opts.maxLines, opts.report);
    } catch (e) {
      if (!(e instanceof GlueFileNotFoundError)) throw e;
      test = [];
    }
  }
  return fromGlue(spec, { train, dev, test });
}
