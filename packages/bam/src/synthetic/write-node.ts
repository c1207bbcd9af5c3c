/**
 * NODE-ONLY (uses node:fs/promises): writes a synthetic suite to disk in a
 * GLUE-like TSV layout. Kept out of the browser-safe ./index.ts.
 *
 *   dir/vocab.txt                     WordPiece vocabulary (special tokens first)
 *   dir/<task>/train.tsv, dev.tsv     index \t sentence \t label   (single-sentence tasks)
 *                                     index \t sentence1 \t sentence2 \t label   (pair tasks)
 *   dir/<task>/test.tsv               the same without the label column (unless test labels were kept)
 *   dir/<task>/task.json              the task's metadata (kind, labels or range, isPair, metrics, noise)
 *
 * `index` is the example's position in its split; example ids are
 * `<split>-<index>`. The write is atomic: everything goes to a temporary
 * sibling directory which is renamed into place at the end, so a reader never
 * sees a half-written suite.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Example } from '../data/example.js';
import type { SyntheticSuite, SyntheticTask } from './types.js';
import { SPLIT_NAMES } from './types.js';
import { exists } from '../io/fs-safe.js';

export interface WriteSyntheticGlueOptions {
  /** Replace `dir` if it already exists; default false (an existing dir is an error). */
  readonly overwrite?: boolean;
}

function checkField(text: string): string {
  if (/[\t\r\n]/.test(text)) throw new Error(`TSV field contains a tab or newline: ${JSON.stringify(text)}`);
  return text;
}

/** One split as TSV text; the label column appears only if the split's examples carry labels. */
export function splitToTsv(task: SyntheticTask, examples: readonly Example[]): string {
  const labelled = examples.length > 0 && examples.every((e) => e.label !== undefined);
  const header = ['index', ...(task.isPair ? ['sentence1', 'sentence2'] : ['sentence']), ...(labelled ? ['label'] : [])];
  const rows = examples.map((e, i) => {
    const fields = [String(i), checkField(e.textA)];
    if (task.isPair) fields.push(checkField(e.textB ?? ''));
    if (labelled) fields.push(checkField(String(e.label)));
    return fields.join('\t');
  });
  return [header.join('\t'), ...rows].join('\n') + '\n';
}

function taskJson(task: SyntheticTask): string {
  const { splits: _splits, ...metadata } = task;
  return JSON.stringify(metadata, null, 2) + '\n';
}

export async function writeSyntheticGlue(dir: string, suite: SyntheticSuite, options: WriteSyntheticGlueOptions = {}): Promise<void> {
  if (!options.overwrite && (await exists(dir))) throw new Error(`${dir} already exists (pass overwrite: true to replace it)`);
  const unique = `${process.pid}-${Date.now()}`;
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${unique}`);
  await mkdir(tmp, { recursive: true });
  try {
    await writeFile(join(tmp, 'vocab.txt'), suite.vocabTxt());
    for (const task of suite.tasks) {
      const taskDir = join(tmp, task.name);
      await mkdir(taskDir);
      await writeFile(join(taskDir, 'task.json'), taskJson(task));
      for (const split of SPLIT_NAMES) await writeFile(join(taskDir, `${split}.tsv`), splitToTsv(task, task.splits[split]));
    }
    if (await exists(dir)) {
      // rename() cannot replace a non-empty directory: move the old one aside first.
      const old = join(dirname(dir), `.${basename(dir)}.old-${unique}`);
      await rename(dir, old);
      await rename(tmp, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, dir);
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
