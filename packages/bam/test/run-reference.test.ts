/**
 * `bam run` with the reference's hparams on a tiny GLUE-format folder in
 * the reference's BAM_DIR layout: two single-task teachers, then a distilled
 * multi-task student, each writing results and predictions where the
 * reference would; one step's λ, lr and per-task losses recomputed with the
 * reference's formulas; MNLI's diagnostic outputs; what is refused up front.
 */
import { access, mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { initNode } from '@bamgpu/core/node';
import { BertForSequenceClassification, BertMultiTask, bertConfig } from '@bamgpu/bert/node';
import { readPickle } from '../src/io/pickle.js';
import { predictCommand } from '../src/cli/predict.js';
import { referenceTokenizer, runReference } from '../src/cli/run-reference.js';
import { featurize } from '../src/train/features.js';
import { predict } from '../src/train/predict.js';
import { loadGlueTask } from '../src/train/sources.js';
import type { LogEvent } from '../src/train/trainer.js';
import { GLUE_FIXTURE_FILES, writeGlueFixtures } from './helpers/glue-fixtures.js';

let bamDir: string;

/** A vocabulary that can spell anything lower-case: letters and digits as words and ## pieces, plus punctuation. */
function spellingVocab(): string[] {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...chars, ...[...chars].map((c) => `##${c}`), ...'.,\'"!?-$%&()/:;'];
}

beforeAll(async () => {
  await initNode();
  bamDir = await mkdtemp(join(tmpdir(), 'bam-run-'));
  await writeGlueFixtures(join(bamDir, 'glue_data'));
  // A tiny "pretrained" BERT in Hugging Face layout under pretrained_models/<name>.
  const vocab = spellingVocab();
  const model = BertForSequenceClassification.fromConfig(
    // No dropout, so a training step's logits are the kept model's eval logits (the λ/loss check).
    bertConfig({
      vocabSize: vocab.length, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 64,
      hiddenDropoutProb: 0, attentionProbsDropoutProb: 0,
    }),
  );
  model.assets.set('vocab.txt', `${vocab.join('\n')}\n`);
  const pre = join(bamDir, 'pretrained_models', 'tiny_L-1_H-16');
  await model.save(pre);
  model.dispose();
});

afterAll(async () => {
  await rm(bamDir, { recursive: true, force: true });
});

const exists = async (p: string) => access(p).then(() => true, () => false);
const common = { pretrained_model_name: 'tiny_L-1_H-16', max_seq_length: 48, num_train_epochs: 2, learning_rate: 1e-3 };

describe('bam run (reference drop-in)', () => {
  test('teachers, then a distilled student, write results and predictions where the reference would', async () => {
    // model_name in the JSON wins over argv's, and the outputs follow it (configure.Config).
    await runReference(['argv-name', bamDir, JSON.stringify({ ...common, task_names: ['rte'], model_name: 'rte-model' })]);
    expect(await exists(join(bamDir, 'models', 'argv-name'))).toBe(false);
    await runReference(['mrpc-model', bamDir, JSON.stringify({ ...common, task_names: ['mrpc'] })]);
    for (const [model, task] of [['rte-model', 'rte'], ['mrpc-model', 'mrpc']]) {
      const dir = join(bamDir, 'models', model);
      const results = await readFile(join(dir, 'results.txt'), 'utf8');
      expect(results).toMatch(new RegExp(`^${task}: accuracy: \\d+\\.\\d\\d - loss: \\d+\\.\\d\\d\\n$`));
      const preds = readPickle(new Uint8Array(await readFile(join(dir, 'outputs', `${task}_train_predictions_1.pkl`)))) as Map<number, Float32Array | number[]>;
      // MRPC is trained on both sentence orders: ids 0..N-1 and their swapped copies N..2N-1.
      expect([...preds.keys()].sort()).toEqual(task === 'mrpc' ? [0, 1, 2, 3] : [0, 1]);
      expect([...preds.values()][0]).toHaveLength(2);
      // Written at pickle protocol 2 with int keys (the reference: protocol 5, numpy keys; docs §7.2).
      expect([...(await readFile(join(dir, 'outputs', `${task}_train_predictions_1.pkl`))).subarray(0, 2)]).toEqual([0x80, 2]);
      expect(await exists(join(dir, 'outputs', `${task}_test_predictions_1.pkl`))).toBe(true);
      // The reference deletes checkpoints after each trial.
      expect(await exists(join(dir, 'checkpoints'))).toBe(false);
    }
    await runReference([
      'student', bamDir,
      JSON.stringify({ ...common, task_names: ['rte', 'mrpc'], distill: true, teachers: { rte: 'rte-model', mrpc: 'mrpc-model' }, train_batch_size: 4 }),
    ]);
    const dir = join(bamDir, 'models', 'student');
    const lines = (await readFile(join(dir, 'results.txt'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['rte', 'mrpc']);
    const pkl = readPickle(new Uint8Array(await readFile(join(dir, 'results.pkl')))) as Map<string, Map<string, number>>[];
    expect(pkl).toHaveLength(1);
    expect(pkl[0].get('rte')!.has('accuracy')).toBe(true);
    expect(await exists(join(dir, 'outputs', 'rte_train_predictions_1.pkl'))).toBe(true);
  });

  test('a student whose teacher lacks its example ids is refused with the count', async () => {
    // A teacher file covering only one of RTE's two training examples.
    const dir = join(bamDir, 'models', 'partial', 'outputs');
    await mkdir(dir, { recursive: true });
    const { writePickle } = await import('../src/io/pickle.js');
    await writeFile(join(dir, 'rte_train_predictions_1.pkl'), writePickle(new Map([[0, [0.1, 0.2]]])));
    await expect(
      runReference(['bad-student', bamDir, JSON.stringify({ ...common, task_names: ['rte'], distill: true, teachers: { rte: 'partial' } })]),
    ).rejects.toThrow(/lack 1 of the student's 2 training example ids/);
    await expect(
      runReference(['bad-student', bamDir, JSON.stringify({ ...common, task_names: ['rte'], distill: true, teachers: { rte: 'nobody' } })]),
    ).rejects.toThrow(/missing teacher predictions for task "rte": expected .*models\/nobody\/outputs\/rte_train_predictions_1\.pkl/);
  });
});

/** log_softmax of one row, in float64. */
const logSoftmax = (l: readonly number[]) => {
  const m = Math.max(...l);
  const lse = m + Math.log(l.reduce((a, x) => a + Math.exp(x - m), 0));
  return l.map((x) => x - lse);
};
const softmax = (l: readonly number[]) => logSoftmax(l).map(Math.exp);
/** Gold label index of each data row of a fixture TSV (header skipped). */
const goldRows = (file: string, column: number, labels: readonly string[]) =>
  GLUE_FIXTURE_FILES[file].trim().split('\n').slice(1).map((l) => labels.indexOf(l.replace(/^\uFEFF/, '').split('\t')[column]));

describe('bam run: one step against the reference formulas', () => {
  test("λ = s/T, lr = BERT's schedule, per-task loss = w_t·Σ soft cross-entropy to λ·gold + (1−λ)·softmax(teacher)", async () => {
    const events: LogEvent[] = [];
    // 2 RTE rows + 2 MRPC rows in both orders = 6 examples, padded to one batch of 8 per epoch:
    // every step sees every example once, T = 20, W = int(20·0.1) = 2. A tiny lr keeps the
    // weights (to ~1e-8) at their start, so the kept model gives the logits of every step.
    await runReference(['check', bamDir, JSON.stringify({
      ...common, task_names: ['rte', 'mrpc'], distill: true, teachers: { rte: 'rte-model', mrpc: 'mrpc-model' }, dataset_multiples: false,
      train_batch_size: 8, num_train_epochs: 20, learning_rate: 1e-9, keep_model: true, write_test_outputs: false, write_distill_outputs: false,
    })], { onEvent: (e) => events.push(e) });
    const start = events.find((e) => e.type === 'start')!;
    expect(start.type === 'start' && start.totalSteps).toBe(20);
    const ev = events.find((e): e is Extract<LogEvent, { type: 'step' }> => e.type === 'step' && e.step === 10)!;
    const s = 9; // the step's global_step before its update
    expect(ev.lambda).toBeCloseTo(s / 20, 12); // percent_done
    expect(ev.lr).toBeCloseTo(1e-9 * (1 - s / 20), 20); // polynomial decay; HF's would be 1e-9·11/18
    expect(ev.lr / 1e-9).toBeCloseTo(0.55, 9);

    // Weights without multiples (task_weighting): w ∝ size^(α−1), mean weight per example 1.
    const sizes = { rte: 2, mrpc: 4 };
    const raw = { rte: 2 ** -0.25, mrpc: 4 ** -0.25 };
    const mean = (2 * raw.rte + 4 * raw.mrpc) / 6;
    const gold = {
      rte: goldRows('RTE/train.tsv', 3, ['entailment', 'not_entailment']),
      mrpc: goldRows('MRPC/train.tsv', 0, ['0', '1']),
    };
    const model = await BertMultiTask.fromPretrained(join(bamDir, 'models', 'check', 'model_1'), { warn: false });
    model.eval();
    const tokenizer = await referenceTokenizer(join(bamDir, 'pretrained_models', 'tiny_L-1_H-16'), true);
    const glue = join(bamDir, 'glue_data');
    for (const [ti, name] of (['rte', 'mrpc'] as const).entries()) {
      const teacher = readPickle(new Uint8Array(await readFile(join(bamDir, 'models', `${name}-model`, 'outputs', `${name}_train_predictions_1.pkl`)))) as Map<number, number[]>;
      const task = await loadGlueTask(glue, name);
      const feats = featurize(task, ti, task.train, tokenizer, common.max_seq_length, { swapped: true });
      expect(feats.length).toBe(sizes[name]);
      const logits = (await predict(model, name, feats, 8, false)) as number[][];
      const n = gold[name].length;
      let loss = 0;
      feats.forEach((f, i) => {
        const y = gold[name][f.eid % n]; // swapped copies (eid N..2N−1) keep their row's label
        const target = softmax(Array.from(teacher.get(f.eid)!)).map((p, c) => (s / 20) * (c === y ? 1 : 0) + (1 - s / 20) * p);
        loss -= logSoftmax(logits[i]).reduce((a, l, c) => a + target[c] * l, 0);
      });
      expect(ev.losses[name]).toBeCloseTo((raw[name] / mean) * loss, 4);
    }
    // Heads start Glorot-uniform, U(±√(6/(16+2))), not N(0, 0.02): (almost) untouched at this lr.
    const w = [...((await model.heads.head('rte').weight.data()) as Float32Array)];
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 18) + 1e-6);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.15);
    model.dispose();
  });
});

describe('bam run: MNLI diagnostic, refusals before training', () => {
  test("MNLI writes test_matched, test_mismatched and diagnostic pickles; its kept model gives bam predict's AX.tsv", async () => {
    await runReference(['mnli-model', bamDir, JSON.stringify({ ...common, task_names: ['mnli'], num_train_epochs: 1, write_distill_outputs: false, keep_model: true })]);
    const outputs = join(bamDir, 'models', 'mnli-model', 'outputs');
    for (const split of ['test_matched', 'test_mismatched', 'diagnostic']) {
      const p = readPickle(new Uint8Array(await readFile(join(outputs, `mnli_${split}_predictions_1.pkl`)))) as Map<number, number[]>;
      const rows = GLUE_FIXTURE_FILES[split === 'diagnostic' ? 'diagnostic/diagnostic.tsv' : `MNLI/${split}.tsv`].trim().split('\n').length - 1;
      expect([...p.keys()]).toEqual(Array.from({ length: rows }, (_, i) => i));
      expect([...p.values()].every((l) => l.length === 3)).toBe(true);
    }
    const out = join(bamDir, 'submission');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await predictCommand(['--model', join(bamDir, 'models', 'mnli-model', 'model_1'), '--data', join(bamDir, 'glue_data'), '--tasks', 'mnli', '--out', out, '--max-seq-length', '48']);
    } finally {
      log.mockRestore();
    }
    const ax = (await readFile(join(out, 'AX.tsv'), 'utf8')).trim().split('\n');
    expect(ax[0]).toBe('index\tprediction');
    expect(ax.slice(1).map((l) => l.split('\t')[0])).toEqual(['0', '1', '2']);
    expect(ax.slice(1).every((l) => ['contradiction', 'entailment', 'neutral'].includes(l.split('\t')[1]))).toBe(true);
    expect(await exists(join(out, 'MNLI-m.tsv'))).toBe(true);
  });

  test('a missing or malformed test file, or max_seq_length past the position table, fails before training', async () => {
    const other = await mkdtemp(join(tmpdir(), 'bam-run-bad-'));
    try {
      const glue = await writeGlueFixtures(join(other, 'glue_data'));
      await mkdir(join(other, 'pretrained_models'));
      await symlink(join(bamDir, 'pretrained_models', 'tiny_L-1_H-16'), join(other, 'pretrained_models', 'tiny_L-1_H-16'));
      const rte = JSON.stringify({ ...common, task_names: ['rte'] });
      await unlink(join(glue, 'RTE', 'test.tsv'));
      await expect(runReference(['m', other, rte])).rejects.toThrow(/GLUE file not found for RTE test/);
      await writeFile(join(glue, 'RTE', 'test.tsv'), 'index\tsentence1\tsentence2\n0\tonly two fields\n');
      await expect(runReference(['m', other, rte])).rejects.toThrow(/RTE[/\\]test\.tsv:2: row has 2 fields/);
      expect(await exists(join(other, 'models', 'm', 'results.txt'))).toBe(false);
      await expect(runReference(['m', other, JSON.stringify({ ...common, task_names: ['rte'], max_seq_length: 128 })])).rejects.toThrow(
        /hparams "max_seq_length": 128 is more than the model's max_position_embeddings \(64/,
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  test('QQP: the rows the file breaks are reported, and a teacher keyed by row position covers the student', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // Teacher ids numbered by array index (0, 1, 2) miss row 4: refused; by row position (0, 1, 4): accepted.
      const dir = join(bamDir, 'models', 'qqp-positional', 'outputs');
      await mkdir(dir, { recursive: true });
      const { writePickle } = await import('../src/io/pickle.js');
      await writeFile(join(dir, 'qqp_train_predictions_1.pkl'), writePickle(new Map([0, 1, 2].map((e) => [e, [0, 0]]))));
      const hp = { ...common, task_names: ['qqp'], distill: true, teachers: { qqp: 'qqp-positional' }, num_train_epochs: 1, write_test_outputs: false, write_distill_outputs: false };
      await expect(runReference(['qqp-student', bamDir, JSON.stringify(hp)])).rejects.toThrow(/lack 1 of the student's 3 training example ids/);
      expect(warn.mock.calls.flat().join('\n')).toMatch(/QQP[/\\]train\.tsv: skipped 2 row\(s\) with too few fields \(line 4, 5\)/);
      await writeFile(join(dir, 'qqp_train_predictions_1.pkl'), writePickle(new Map([0, 1, 4].map((e) => [e, [0, 0]]))));
      await runReference(['qqp-student', bamDir, JSON.stringify(hp)]);
      expect(await readFile(join(bamDir, 'models', 'qqp-student', 'results.txt'), 'utf8')).toMatch(/^qqp: accuracy: /);
    } finally {
      warn.mockRestore();
    }
  });
});
