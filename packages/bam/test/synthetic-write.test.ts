/** The Node-only writer: GLUE-like TSV layout, vocab.txt, atomic replacement. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSyntheticGlue } from '../src/synthetic/index.js';
import { splitToTsv, writeSyntheticGlue } from '../src/synthetic/write-node.js';

const root = await mkdtemp(join(tmpdir(), 'bam-synthetic-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const suite = generateSyntheticGlue({ seed: 2, scale: 0.02 });

describe('writeSyntheticGlue', () => {
  it('writes vocab.txt and, per task, task.json and train/dev/test TSVs that round-trip', async () => {
    const dir = join(root, 'suite');
    await writeSyntheticGlue(dir, suite);
    expect((await readdir(dir)).sort()).toEqual([...suite.tasks.map((t) => t.name), 'vocab.txt'].sort());
    expect(await readFile(join(dir, 'vocab.txt'), 'utf8')).toBe(suite.vocabTxt());
    for (const task of suite.tasks) {
      const meta = JSON.parse(await readFile(join(dir, task.name, 'task.json'), 'utf8'));
      expect(meta).toMatchObject({ name: task.name, kind: task.kind, isPair: task.isPair });
      expect(meta).not.toHaveProperty('splits');
      for (const split of ['train', 'dev', 'test'] as const) {
        const lines = (await readFile(join(dir, task.name, `${split}.tsv`), 'utf8')).split('\n');
        expect(lines.pop()).toBe('');
        const header = lines[0].split('\t');
        const expectedHeader = ['index', ...(task.isPair ? ['sentence1', 'sentence2'] : ['sentence']), ...(split === 'test' ? [] : ['label'])];
        expect(header).toEqual(expectedHeader);
        const rows = lines.slice(1).map((l) => l.split('\t'));
        expect(rows.length).toBe(task.splits[split].length);
        rows.forEach((r, i) => {
          const e = task.splits[split][i];
          expect(r.length).toBe(header.length);
          expect(r[0]).toBe(String(i));
          expect(r[1]).toBe(e.textA);
          if (task.isPair) expect(r[2]).toBe(e.textB);
          if (split !== 'test') expect(r.at(-1)).toBe(String(e.label));
        });
      }
    }
  });

  it('refuses to replace an existing directory unless asked, then replaces it whole', async () => {
    const dir = join(root, 'replace');
    await writeSyntheticGlue(dir, suite);
    await expect(writeSyntheticGlue(dir, suite)).rejects.toThrow(/already exists/);
    const other = generateSyntheticGlue({ seed: 9, scale: 0.02 });
    await writeSyntheticGlue(dir, other, { overwrite: true });
    const train = await readFile(join(dir, 'syn-sentiment', 'train.tsv'), 'utf8');
    expect(train).toBe(splitToTsv(other.tasks[0], other.tasks[0].splits.train));
    // No temporary or old directories are left beside it.
    expect((await readdir(root)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('rejects text that would break the TSV layout, leaving nothing behind', async () => {
    const broken = { ...suite, tasks: [{ ...suite.tasks[0], splits: { ...suite.tasks[0].splits, dev: [{ id: 'dev-0', textA: 'a\tb', label: '1' }] } }] };
    const dir = join(root, 'broken');
    await expect(writeSyntheticGlue(dir, broken)).rejects.toThrow(/tab or newline/);
    expect((await readdir(root)).some((n) => n.includes('broken'))).toBe(false);
  });
});
