import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { formatSubmission } from '../src/glue/index.js';
import { readGlueSplit, writeSubmission } from '../src/glue/node.js';
import { writeGlueFixtures } from './helpers/glue-fixtures.js';

describe('formatSubmission', () => {
  test('label strings for NLI tasks, rows in index order', () => {
    const text = formatSubmission('MNLI', 'test_matched', [
      { id: '2', prediction: 'neutral' },
      { id: '0', prediction: 'entailment' },
      { id: '1', prediction: 'contradiction' },
    ]);
    expect(text).toBe('index\tprediction\n0\tentailment\n1\tcontradiction\n2\tneutral\n');
  });

  test('0/1 for the binary tasks', () => {
    for (const task of ['CoLA', 'SST-2', 'MRPC', 'QQP', 'WNLI']) {
      expect(formatSubmission(task, 'test', [{ id: '0', prediction: '1' }, { id: '1', prediction: '0' }])).toBe(
        'index\tprediction\n0\t1\n1\t0\n',
      );
    }
  });

  test('STS-B scores clipped to 0-5 and written with three decimals', () => {
    const text = formatSubmission('STS-B', 'test', [
      { id: '0', prediction: 4.12345 },
      { id: '1', prediction: -0.3 },
      { id: '2', prediction: 5.7 },
      { id: '3', prediction: 2 },
    ]);
    expect(text).toBe('index\tprediction\n0\t4.123\n1\t0.000\n2\t5.000\n3\t2.000\n');
  });

  test('AX uses the MNLI labels', () => {
    expect(formatSubmission('AX', 'test', [{ id: '0', prediction: 'neutral' }])).toBe('index\tprediction\n0\tneutral\n');
  });

  test('bad predictions and ids are errors', () => {
    expect(() => formatSubmission('RTE', 'test', [{ id: '0', prediction: '1' }])).toThrow(
      'RTE test submission (RTE.tsv), index 0: prediction "1" is not a label of RTE; valid labels: entailment, not_entailment',
    );
    expect(() => formatSubmission('STS-B', 'test', [{ id: '0', prediction: 'high' }])).toThrow(
      'STS-B test submission (STS-B.tsv), index 0: prediction high is not a finite number',
    );
    expect(() => formatSubmission('CoLA', 'test', [{ id: '0', prediction: '1' }, { id: '0', prediction: '0' }])).toThrow(
      'CoLA test submission (CoLA.tsv): index 0 appears twice',
    );
    // Two rows must be indices 0 and 1; a gap means a missing prediction.
    expect(() => formatSubmission('CoLA', 'test', [{ id: '0', prediction: '1' }, { id: '2', prediction: '0' }])).toThrow(
      'CoLA test submission (CoLA.tsv): index 2 is out of range for 2 rows; indices must run 0..1',
    );
    expect(() => formatSubmission('CoLA', 'test', [{ id: 'a7', prediction: '1' }])).toThrow('id "a7" is not a GLUE index');
    expect(() => formatSubmission('CoLA', 'test', [])).toThrow('CoLA test submission (CoLA.tsv): no predictions to write');
  });

  test('only test splits have submission files', () => {
    expect(() => formatSubmission('MNLI', 'dev_matched', [{ id: '0', prediction: 'neutral' }])).toThrow(
      'MNLI dev_matched is not a test split; submissions are written for: test_matched, test_mismatched',
    );
  });
});

describe('writeSubmission', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bam-submit-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('writes the named file into a new folder and leaves no temporary file behind', async () => {
    const out = join(dir, 'submission');
    const path = await writeSubmission(out, 'MNLI', 'test_mismatched', [
      { id: '0', prediction: 'entailment' },
      { id: '1', prediction: 'neutral' },
    ]);
    expect(path).toBe(join(out, 'MNLI-mm.tsv'));
    expect(await readFile(path, 'utf8')).toBe('index\tprediction\n0\tentailment\n1\tneutral\n');
    expect(await readdir(out)).toEqual(['MNLI-mm.tsv']);
  });

  test('replaces an existing file; a failed format leaves the old file untouched', async () => {
    await writeFile(join(dir, 'QNLI.tsv'), 'old\n');
    await expect(writeSubmission(dir, 'QNLI', 'test', [{ id: '0', prediction: 'maybe' }])).rejects.toThrow('valid labels');
    expect(await readFile(join(dir, 'QNLI.tsv'), 'utf8')).toBe('old\n');
    await writeSubmission(dir, 'QNLI', 'test', [{ id: '0', prediction: 'not_entailment' }]);
    expect(await readFile(join(dir, 'QNLI.tsv'), 'utf8')).toBe('index\tprediction\n0\tnot_entailment\n');
    expect(await readdir(dir)).toEqual(['QNLI.tsv']);
  });

  test('from a read test split to the file the server takes', async () => {
    const glueDir = await writeGlueFixtures(join(dir, 'glue_data'));
    const { examples } = await readGlueSplit(glueDir, 'RTE', 'test');
    const rows = examples.map((e, i) => ({ id: e.id, prediction: i % 2 === 0 ? 'entailment' : 'not_entailment' }));
    const path = await writeSubmission(join(dir, 'out'), 'RTE', 'test', rows);
    expect(await readFile(path, 'utf8')).toBe('index\tprediction\n0\tentailment\n1\tnot_entailment\n');
  });
});
