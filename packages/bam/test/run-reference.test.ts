/**
 * `bam run` with the reference's hparams on a tiny GLUE-format folder in
 * the reference's BAM_DIR layout: two single-task teachers, then a distilled
 * multi-task student, each writing results and predictions where the
 * reference would. Also the hparam rules (unknown keys, task-count defaults).
 */
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initNode } from '@bamgpu/core/node';
import { BertForSequenceClassification, bertConfig } from '@bamgpu/bert/node';
import { readPickle } from '../src/io/pickle.js';
import { runReference } from '../src/cli/run-reference.js';
import { writeGlueFixtures } from './helpers/glue-fixtures.js';

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
    bertConfig({ vocabSize: vocab.length, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 64 }),
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
    await runReference(['rte-model', bamDir, JSON.stringify({ ...common, task_names: ['rte'] })]);
    await runReference(['mrpc-model', bamDir, JSON.stringify({ ...common, task_names: ['mrpc'] })]);
    for (const [model, task] of [['rte-model', 'rte'], ['mrpc-model', 'mrpc']]) {
      const dir = join(bamDir, 'models', model);
      const results = await readFile(join(dir, 'results.txt'), 'utf8');
      expect(results).toMatch(new RegExp(`^${task}: accuracy: \\d+\\.\\d\\d - loss: \\d+\\.\\d\\d\\n$`));
      const preds = readPickle(new Uint8Array(await readFile(join(dir, 'outputs', `${task}_train_predictions_1.pkl`)))) as Map<number, Float32Array | number[]>;
      // MRPC is trained on both sentence orders: ids 0..N-1 and their swapped copies N..2N-1.
      expect([...preds.keys()].sort()).toEqual(task === 'mrpc' ? [0, 1, 2, 3] : [0, 1]);
      expect([...preds.values()][0]).toHaveLength(2);
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
