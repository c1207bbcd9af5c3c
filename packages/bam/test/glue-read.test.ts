import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Example } from '../src/data/example.js';
import { GLUE_TASKS, GlueFormatError, parseGlueSplit } from '../src/glue/index.js';
import { glueSplitPath, readGlueSplit } from '../src/glue/node.js';
import { decodeUtf8Strict } from '../src/glue/decode-utf8.js';
import { writeGlueFixtures } from './helpers/glue-fixtures.js';

let glueDir: string;
beforeAll(async () => {
  glueDir = await writeGlueFixtures();
});
afterAll(async () => {
  await rm(glueDir, { recursive: true, force: true });
});

/** Ids and labels of a split, the compact view most expectations below use. */
async function idsAndLabels(task: string, split: string): Promise<[string, string | number | undefined][]> {
  const { examples } = await readGlueSplit(glueDir, task, split);
  return examples.map((e) => [e.id, e.label]);
}

async function first(task: string, split: string): Promise<Example> {
  return (await readGlueSplit(glueDir, task, split)).examples[0];
}

describe('reading every split of every task from the official layout', () => {
  test('CoLA: train/dev have no header (sentence in column 4); test has one (sentence in column 2)', async () => {
    expect(await idsAndLabels('CoLA', 'train')).toEqual([['0', '1'], ['1', '0'], ['2', '1']]);
    expect(await first('CoLA', 'train')).toStrictEqual({
      id: '0', textA: "Our friends won't buy this analysis, let alone the next one we propose.", label: '1',
    });
    // The quote is literal and the row after it is still its own row.
    expect((await readGlueSplit(glueDir, 'cola', 'dev')).examples).toStrictEqual([
      { id: '0', textA: '"Mary said the book was good.', label: '0' },
      { id: '1', textA: 'The more you eat, the more you want.', label: '1' },
    ]);
    expect((await readGlueSplit(glueDir, 'CoLA', 'test')).examples).toStrictEqual([
      { id: '0', textA: 'Bill whistled past the house.' },
      { id: '1', textA: 'The car honked its way down the road.' },
    ]);
  });

  test('SST-2: sentence then label; test is index then sentence', async () => {
    expect(await first('SST-2', 'train')).toStrictEqual({ id: '0', textA: 'hide new secretions from the parental units ', label: '0' });
    expect(await idsAndLabels('sst', 'dev')).toEqual([['0', '1'], ['1', '0']]);
    expect(await first('SST-2', 'test')).toStrictEqual({ id: '0', textA: 'uneasy mishmash of styles and genres .' });
    expect(await idsAndLabels('SST-2', 'test')).toEqual([['0', undefined], ['1', undefined]]);
  });

  test('MRPC: Quality is the label, strings in columns 4 and 5; BOM in the header is harmless', async () => {
    expect(await first('MRPC', 'train')).toStrictEqual({
      id: '0',
      textA: 'Amrozi accused his brother , whom he called " the witness " , of deliberately distorting his evidence .',
      textB: 'Referring to him as only " the witness " , Amrozi accused his brother of deliberately distorting his evidence .',
      label: '1',
    });
    expect(await idsAndLabels('MRPC', 'train')).toEqual([['0', '1'], ['1', '0']]);
    expect(await idsAndLabels('MRPC', 'dev')).toEqual([['0', '1'], ['1', '0']]);
    expect(await first('MRPC', 'test')).toStrictEqual({
      id: '0',
      textA: "PCCW 's chief operating officer , Mike Butcher , and Alex Arena , the chief financial officer , will report directly to Mr So .",
      textB: 'Current Chief Operating Officer Mike Butcher and Group Chief Financial Officer Alex Arena will report to So .',
    });
  });

  test('STS-B: sentences in columns 8 and 9, numeric score in column 10', async () => {
    expect(await first('STS-B', 'train')).toStrictEqual({
      id: '0', textA: 'A plane is taking off.', textB: 'An air plane is taking off.', label: 5,
    });
    expect(await idsAndLabels('sts', 'train')).toEqual([['0', 5], ['1', 3.8]]);
    expect(await idsAndLabels('STS-B', 'dev')).toEqual([['0', 5], ['1', 4.75]]);
    expect(await first('STS-B', 'test')).toStrictEqual({
      id: '0', textA: 'A girl is styling her hair.', textB: 'A girl is brushing her hair.',
    });
  });

  test('QQP: rows broken across lines are skipped and counted; later ids keep their row position', async () => {
    const train = await readGlueSplit(glueDir, 'QQP', 'train');
    expect(train.skippedRows).toBe(2);
    expect(train.skippedLines).toEqual([4, 5]);
    expect(train.examples.map((e) => [e.id, e.label])).toEqual([['0', '0'], ['1', '1'], ['4', '0']]);
    expect(train.examples[2]).toStrictEqual({
      id: '4',
      textA: 'What causes stool color to change to yellow?',
      textB: 'What can cause stool to come out as little balls?',
      label: '0',
    });
    const dev = await readGlueSplit(glueDir, 'QQP', 'dev');
    expect(dev.skippedRows).toBe(0);
    expect(dev.examples.map((e) => [e.id, e.label])).toEqual([['0', '0'], ['1', '1']]);
    expect(await first('QQP', 'test')).toStrictEqual({
      id: '0',
      textA: 'How does the Surface Pro himself 4 compare with iPad Pro?',
      textB: 'Why did Microsoft choose core m3 and not core i3 home Surface Pro 4?',
    });
  });

  test('MNLI: sentences in columns 9 and 10, gold label in the last column of 12 (train) or 16 (dev)', async () => {
    expect(await idsAndLabels('MNLI', 'train')).toEqual([['0', 'neutral'], ['1', 'entailment'], ['2', 'contradiction']]);
    expect(await first('MNLI', 'train')).toStrictEqual({
      id: '0',
      textA: 'Conceptually cream skimming has two basic dimensions - product and geography.',
      textB: 'Product and geography are what make cream skimming work. ',
      label: 'neutral',
    });
    // Row 1 has label1 = entailment but gold_label = contradiction.
    expect(await idsAndLabels('MNLI', 'dev_matched')).toEqual([['0', 'neutral'], ['1', 'contradiction']]);
    expect(await idsAndLabels('mnli', 'dev')).toEqual([['0', 'neutral'], ['1', 'contradiction']]);
    expect(await idsAndLabels('MNLI', 'dev_mismatched')).toEqual([['0', 'contradiction'], ['1', 'entailment']]);
    expect(await first('MNLI', 'test_matched')).toStrictEqual({
      id: '0',
      textA: 'Hierbas, ans seco, ans dulce, and frigola are just a few names worth keeping a look-out for.',
      textB: 'Hierbas is a name worth looking out for.',
    });
    expect(await idsAndLabels('MNLI', 'test_mismatched')).toEqual([['0', undefined], ['1', undefined]]);
  });

  test('QNLI, RTE, WNLI: index, sentence, sentence, label', async () => {
    expect(await idsAndLabels('QNLI', 'train')).toEqual([['0', 'not_entailment'], ['1', 'entailment']]);
    expect(await idsAndLabels('QNLI', 'dev')).toEqual([['0', 'entailment'], ['1', 'not_entailment']]);
    expect(await first('QNLI', 'test')).toStrictEqual({
      id: '0',
      textA: 'What organization is devoted to Jihad against Israel?',
      textB: 'For some decades prior to the First Palestine Intifada in 1987, the Muslim Brotherhood in Palestine took a "quiescent" stance towards Israel.',
    });
    expect(await first('RTE', 'train')).toStrictEqual({
      id: '0',
      textA: 'No Weapons of Mass Destruction Found in Iraq Yet.',
      textB: 'Weapons of Mass Destruction Found in Iraq.',
      label: 'not_entailment',
    });
    expect(await idsAndLabels('RTE', 'dev')).toEqual([['0', 'not_entailment'], ['1', 'entailment']]);
    expect(await idsAndLabels('RTE', 'test')).toEqual([['0', undefined], ['1', undefined]]);
    expect(await idsAndLabels('WNLI', 'train')).toEqual([['0', '1'], ['1', '0']]);
    expect(await idsAndLabels('WNLI', 'dev')).toEqual([['0', '0'], ['1', '1']]);
    expect(await first('WNLI', 'test')).toStrictEqual({
      id: '0',
      textA: 'Maude and Dora had seen the trains rushing across the prairie.',
      textB: 'Horses ran away when Maude and Dora came into sight.',
    });
  });

  test('AX: diagnostic/diagnostic.tsv, unlabelled pairs', async () => {
    const ax = await readGlueSplit(glueDir, 'AX', 'test');
    expect(ax.examples.map((e) => e.id)).toEqual(['0', '1', '2']);
    expect(ax.examples[1]).toStrictEqual({ id: '1', textA: 'The cat did not sit on the mat.', textB: 'The cat sat on the mat.' });
  });

  test('every split of every task reads without error', async () => {
    const counts: string[] = [];
    for (const task of GLUE_TASKS) {
      for (const split of task.splits) {
        const data = await readGlueSplit(glueDir, task, split.name);
        counts.push(`${task.name}/${split.name}:${data.examples.length}`);
      }
    }
    expect(counts).toEqual([
      'CoLA/train:3', 'CoLA/dev:2', 'CoLA/test:2', 'SST-2/train:2', 'SST-2/dev:2', 'SST-2/test:2',
      'MRPC/train:2', 'MRPC/dev:2', 'MRPC/test:2', 'STS-B/train:2', 'STS-B/dev:2', 'STS-B/test:2',
      'QQP/train:3', 'QQP/dev:2', 'QQP/test:2', 'MNLI/train:3', 'MNLI/dev_matched:2', 'MNLI/dev_mismatched:2',
      'MNLI/test_matched:2', 'MNLI/test_mismatched:2', 'QNLI/train:2', 'QNLI/dev:2', 'QNLI/test:2',
      'RTE/train:2', 'RTE/dev:2', 'RTE/test:2', 'WNLI/train:2', 'WNLI/dev:2', 'WNLI/test:2', 'AX/test:3',
    ]);
  });
});

describe('malformed files', () => {
  const rteHeader = 'index\tsentence1\tsentence2\tlabel\n';

  test('a row with the wrong number of fields names file, line and the expected layout', () => {
    const text = rteHeader + '0\ta\tb\tentailment\n1\ta\tb\n';
    expect(() => parseGlueSplit(text, 'RTE', 'train', 'RTE/train.tsv')).toThrow(
      'RTE/train.tsv:3: row has 3 fields; expected 4 tab-separated fields (RTE train layout)',
    );
  });

  test('the error is a GlueFormatError carrying file and line', () => {
    let caught: unknown;
    try {
      parseGlueSplit(rteHeader + '0\ta\tb\tentailment\textra\n', 'RTE', 'train', 'x.tsv');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GlueFormatError);
    expect(caught).toMatchObject({ file: 'x.tsv', line: 2 });
  });

  test('QQP skips only rows that are too short; a row with too many fields is still an error', () => {
    const header = 'id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n';
    expect(() => parseGlueSplit(header + '1\t2\t3\tq1\tq2\t0\textra\n', 'QQP', 'dev', 'QQP/dev.tsv')).toThrow(
      'QQP/dev.tsv:2: row has 7 fields; expected 6 tab-separated fields (QQP dev layout)',
    );
    // A blank line is a short row too.
    const parsed = parseGlueSplit(header + '\n1\t2\t3\tq1\tq2\t1\n', 'QQP', 'dev', 'QQP/dev.tsv');
    expect([parsed.skippedRows, parsed.examples.map((e) => e.id)]).toEqual([1, ['1']]);
  });

  test('other tasks do not skip short rows', () => {
    expect(() => parseGlueSplit('sentence\tlabel\nonly one field\n', 'SST-2', 'dev', 'SST-2/dev.tsv')).toThrow(
      'SST-2/dev.tsv:2: row has 1 fields; expected 2 tab-separated fields (SST-2 dev layout)',
    );
  });

  test('an unknown label lists the valid labels', () => {
    const mnliRow = ['0', 'p', 'p', 'g', 'b1', 'b2', 'p1', 'p2', 's1', 's2', 'neutral', 'neutral', 'neutral', 'neutral', 'neutral', 'neutrall'];
    const header = mnliRow.map((_, i) => (i === mnliRow.length - 1 ? 'gold_label' : `c${i}`)).join('\t');
    const text = `${header}\n${mnliRow.join('\t')}\n`;
    expect(() => parseGlueSplit(text, 'MNLI', 'dev_matched', 'MNLI/dev_matched.tsv')).toThrow(
      'MNLI/dev_matched.tsv:2: unknown MNLI label "neutrall"; valid labels: contradiction, entailment, neutral',
    );
  });

  test('a CoLA file given a header fails on the header line, since CoLA train has none', () => {
    expect(() => parseGlueSplit('source\tlabel\tstar\tsentence\n', 'CoLA', 'train', 'CoLA/train.tsv')).toThrow(
      'CoLA/train.tsv:1: unknown CoLA label "label"; valid labels: 0, 1',
    );
  });

  test('STS-B scores must be numbers within 0-5', () => {
    const header = 'index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n';
    const withScore = (score: string) => `${header}0\tg\tf\ty\to\tn\tn\ta\tb\t${score}\n`;
    expect(() => parseGlueSplit(withScore('5.5'), 'STS-B', 'dev', 'STS-B/dev.tsv')).toThrow(
      'STS-B/dev.tsv:2: STS-B score "5.5" is not a number in [0, 5]',
    );
    expect(() => parseGlueSplit(withScore(''), 'STS-B', 'dev', 'STS-B/dev.tsv')).toThrow('STS-B score "" is not a number');
    expect(() => parseGlueSplit(withScore('4,2'), 'STS-B', 'dev', 'STS-B/dev.tsv')).toThrow('STS-B score "4,2" is not a number');
    expect(parseGlueSplit(withScore('0.000'), 'STS-B', 'dev', 'x').examples[0].label).toBe(0);
  });

  test('header with the wrong column count, and an empty file where a header is expected', () => {
    expect(() => parseGlueSplit('index\tsentence\n0\thi\n', 'RTE', 'test', 'RTE/test.tsv')).toThrow(
      'RTE/test.tsv:1: header has 2 fields; expected 3 tab-separated fields (RTE test layout)',
    );
    expect(() => parseGlueSplit('', 'RTE', 'test', 'RTE/test.tsv')).toThrow(
      'RTE/test.tsv:1: file is empty; expected a header row of 3 tab-separated fields (RTE test layout)',
    );
  });

  test('test-split indices must be distinct non-negative integers', () => {
    expect(() => parseGlueSplit('index\tsentence\nx1\thi\n', 'SST-2', 'test', 'SST-2/test.tsv')).toThrow(
      'SST-2/test.tsv:2: index "x1" in column 1 is not a non-negative integer',
    );
    expect(() => parseGlueSplit('index\tsentence\n0\thi\n0\tho\n', 'SST-2', 'test', 'SST-2/test.tsv')).toThrow(
      'SST-2/test.tsv:3: index 0 appears twice',
    );
  });

  test('errors from files on disk name the full path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bam-glue-bad-'));
    try {
      await mkdir(join(dir, 'WNLI'));
      await writeFile(join(dir, 'WNLI', 'dev.tsv'), 'index\tsentence1\tsentence2\tlabel\n0\ta\tb\tmaybe\n');
      const path = glueSplitPath(dir, 'WNLI', 'dev');
      expect(path).toBe(join(dir, 'WNLI', 'dev.tsv'));
      await expect(readGlueSplit(dir, 'WNLI', 'dev')).rejects.toThrow(`${path}:2: unknown WNLI label "maybe"; valid labels: 0, 1`);
      await expect(readGlueSplit(dir, 'WNLI', 'train')).rejects.toThrow(
        `GLUE file not found: ${join(dir, 'WNLI', 'train.tsv')} (WNLI train is expected at <glue_data>/WNLI/train.tsv`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

test('invalid UTF-8 at the end of a long line is located in time linear-ish in its length', () => {
  // A file without newlines is one line; the byte search once decoded every prefix (quadratic: this took ~16 s).
  const bytes = new Uint8Array(200_000).fill(0x61);
  bytes.set([0x0a, 0x62, 0x62], 0);
  bytes[199_990] = 0xe9;
  const t0 = performance.now();
  expect(() => decodeUtf8Strict(bytes, 'long.tsv')).toThrow('long.tsv:2: invalid UTF-8 (byte 0xe9 at byte 199990 of the line)');
  expect(performance.now() - t0).toBeLessThan(3000);
  // A truncated multi-byte character is located at its first byte.
  expect(() => decodeUtf8Strict(Uint8Array.from([0x61, 0xe2, 0x82, 0x61]), 'x.tsv')).toThrow('x.tsv:1: invalid UTF-8 (byte 0xe2 at byte 2 of the line)');
});
