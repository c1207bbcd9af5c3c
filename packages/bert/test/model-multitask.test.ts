// One encoder, one named head per task: names, checkpoint loading from a
// single-task folder, per-head outputs, save/load round trip.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initNode, noGrad, scope, sum, tensor, add } from '@bamgpu/core/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bertConfig } from '../src/config.js';
import { BertMultiTask } from '../src/model/multi-task.js';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';
import '../src/node.js'; // local folders by path

const FIXTURE = fileURLToPath(new URL('./fixtures/reference/tiny-a/', import.meta.url));
const TASKS = [
  { name: 'rte', numLabels: 2 },
  { name: 'sts', numLabels: 1 },
  { name: 'mnli', numLabels: 3 },
];

let tmp: string;
beforeAll(async () => {
  await initNode();
  tmp = await mkdtemp(join(tmpdir(), 'bert-multitask-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const batch = () => ({
  inputIds: tensor(Int32Array.from([2, 7, 8, 3, 9, 3, 2, 10, 3, 0, 0, 0]), [2, 6], { dtype: 'int32' }),
  attentionMask: tensor(Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]), [2, 6], { dtype: 'int32' }),
});

describe('BertMultiTask', () => {
  test('loads the encoder from a single-task checkpoint; heads are new, the old classifier unused', async () => {
    const model = await BertMultiTask.fromPretrained(FIXTURE, { tasks: TASKS, warn: false });
    expect(model.loadReport!.missing).toEqual(['heads.rte.weight', 'heads.rte.bias', 'heads.sts.weight', 'heads.sts.bias', 'heads.mnli.weight', 'heads.mnli.bias']);
    expect([...model.loadReport!.unexpected].sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(model.heads.head('sts').weight.shape).toEqual([1, 32]);

    // Same encoder numbers as the single-task model; each head is pooled·Wᵀ + b.
    const single = await BertForSequenceClassification.fromPretrained(FIXTURE, { warn: false });
    model.eval();
    single.eval();
    const inputs = batch();
    const multi = noGrad(() => model.forward(inputs));
    const one = noGrad(() => single.forward(inputs));
    const pooled = (await multi.pooledOutput.data()) as Float32Array;
    expect([...pooled]).toEqual([...((await one.pooledOutput.data()) as Float32Array)]);
    expect([...multi.logits.keys()]).toEqual(['rte', 'sts', 'mnli']);
    for (const { name, numLabels } of TASKS) {
      const w = (await model.heads.head(name).weight.data()) as Float32Array;
      const b = (await model.heads.head(name).bias!.data()) as Float32Array;
      const got = (await multi.logits.get(name)!.data()) as Float32Array;
      expect(multi.logits.get(name)!.shape).toEqual([2, numLabels]);
      for (let r = 0; r < 2; r++) {
        for (let c = 0; c < numLabels; c++) {
          let want = b[c];
          for (let k = 0; k < 32; k++) want += pooled[r * 32 + k] * w[c * 32 + k];
          expect(Math.abs(got[r * numLabels + c] - want)).toBeLessThan(1e-5);
        }
      }
    }
    const subset = noGrad(() => model.forward(inputs, ['sts']));
    expect([...subset.logits.keys()]).toEqual(['sts']);
    expect(() => model.forward(inputs, ['cola'])).toThrow('no head for task "cola" (tasks: rte, sts, mnli)');

    for (const t of [...Object.values(inputs), multi.lastHiddenState, multi.pooledOutput, ...multi.logits.values(), ...Object.values(one), subset.lastHiddenState, subset.pooledOutput, ...subset.logits.values()]) t.dispose();
    single.dispose();
    model.dispose();
  });

  test("headInit 'glorot-uniform': U(±√(6/(in+out))) weights and zero bias (tf.layers.dense, the BAM reference's heads); default N(0, 0.02)", async () => {
    const config = bertConfig({ vocabSize: 60, hiddenSize: 64, numHiddenLayers: 1, numAttentionHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 24 });
    const glorot = BertMultiTask.fromConfig(config, [{ name: 'mnli', numLabels: 3 }], { headInit: 'glorot-uniform' });
    const normal = BertMultiTask.fromConfig(config, [{ name: 'mnli', numLabels: 3 }]);
    const bound = Math.sqrt(6 / (64 + 3));
    const w = [...((await glorot.heads.head('mnli').weight.data()) as Float32Array)];
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    // 192 uniform draws: the largest is near the bound, the variance near bound²/3.
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    const variance = w.reduce((a, x) => a + x * x, 0) / w.length;
    expect(variance / (bound * bound / 3)).toBeGreaterThan(0.75);
    expect(variance / (bound * bound / 3)).toBeLessThan(1.25);
    expect([...((await glorot.heads.head('mnli').bias!.data()) as Float32Array)]).toEqual([0, 0, 0]);
    const n = [...((await normal.heads.head('mnli').weight.data()) as Float32Array)];
    expect(Math.max(...n.map(Math.abs))).toBeLessThan(0.1); // 0.02·5 sigma
    glorot.dispose();
    normal.dispose();
  });

  test('gradients reach the encoder and every head', async () => {
    const model = BertMultiTask.fromConfig(bertConfig({ vocabSize: 60, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 24 }), TASKS);
    const inputs = batch();
    await scope(async () => {
      const out = model.forward(inputs);
      const loss = [...out.logits.values()].map((l) => sum(l)).reduce((a, b) => add(a, b));
      loss.backward();
      await loss.data();
    });
    for (const [name, p] of model.namedParameters()) expect(p.grad, name).not.toBeNull();
    for (const t of Object.values(inputs)) t.dispose();
    model.dispose();
  });

  test('save → fromPretrained(dir) rebuilds the same heads and weights', async () => {
    const model = await BertMultiTask.fromPretrained(FIXTURE, { tasks: TASKS, warn: false });
    const dir = join(tmp, 'mt');
    await model.save(dir);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.bamgpu_tasks).toEqual([{ name: 'rte', num_labels: 2 }, { name: 'sts', num_labels: 1 }, { name: 'mnli', num_labels: 3 }]);
    const again = await BertMultiTask.fromPretrained(dir, { warn: false });
    expect(again.tasks).toEqual(TASKS);
    expect(again.loadReport).toMatchObject({ missing: [], unexpected: [] });
    const a = new Map(model.namedParameters());
    for (const [name, p] of again.namedParameters()) {
      expect([...((await p.data()) as Float32Array)], name).toEqual([...((await a.get(name)!.data()) as Float32Array)]);
    }
    model.dispose();
    again.dispose();
  });

  test('task names must be usable as parameter-name segments', () => {
    const config = bertConfig({ vocabSize: 10, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 8, maxPositionEmbeddings: 8 });
    expect(() => BertMultiTask.fromConfig(config, [{ name: 'a.b', numLabels: 2 }])).toThrow('task name "a.b" must match');
    expect(() => BertMultiTask.fromConfig(config, [{ name: '0', numLabels: 2 }])).toThrow('task name "0" must match');
    expect(() => BertMultiTask.fromConfig(config, [{ name: 'training', numLabels: 2 }])).toThrow('task name "training"');
    expect(() => BertMultiTask.fromConfig(config, [{ name: 'x', numLabels: 2 }, { name: 'x', numLabels: 3 }])).toThrow('task "x" is given twice');
    expect(() => BertMultiTask.fromConfig(config, [{ name: 'x', numLabels: 0 }])).toThrow('task "x" needs numLabels ≥ 1');
    expect(() => BertMultiTask.fromConfig(config, [])).toThrow('at least one task');
  });

  test('a folder without a task list needs options.tasks', async () => {
    await expect(BertMultiTask.fromPretrained(FIXTURE, { warn: false })).rejects.toThrow(`config.json has no "bamgpu_tasks"; pass options.tasks`);
  });
});
