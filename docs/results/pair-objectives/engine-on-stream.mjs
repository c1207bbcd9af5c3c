// The engine's pre-training on a batch stream from a file (replica_teachers.py WRITE_STREAM= writes the
// replica's own batches; engine-stream.mjs the engine's): bam demo's model, initialisation, dropout and
// optimiser for the corpus-v2 recipe (4 layers, next sentence, token match at weight 1, peak 1e-3, 10%
// warm-up, clipping at 1), everything but the data. Writes <out>/model, a Hugging Face folder that
// replica_teachers.py INIT= or `bam experiment --model` fine-tunes, and prints every 1000th step's losses on
// that step's batch, as the replica does. Run after a build, in the suite dump's folder:
//   node <repo>/docs/results/pair-objectives/engine-on-stream.mjs <stream file> <out folder>
// env: SEED (the engine's initialisation and dropout; 0), STEPS (30000), L (4), H (64), LOG_EVERY (1000),
// STOP_AFTER (steps to take of the STEPS-step schedule; writes no model), BIAS_CORRECTION=1 (Adam's, as
// `bam pretrain --bias-correction`; default BERT's AdamW without it).
import { closeSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { initNode } from '../../../packages/core/dist/node.js';
import { AdamW, Generator, add, crossEntropy, linearWarmupDecay, scope, tensor } from '../../../packages/core/dist/index.js';
import { BERT_NO_DECAY, BertForPreTraining, BertTokenizer } from '../../../packages/bert/dist/node.js';
import { TokenMatchHead } from '../../../packages/bam/dist/pretrain/token-match.js';
import { PretrainingModel } from '../../../packages/bam/dist/pretrain/pretraining-model.js';
import { savePretrainedEncoder } from '../../../packages/bam/dist/pretrain/save.js';
import { DEFAULT_PRETRAIN_CONFIG as D } from '../../../packages/bam/dist/pretrain/config.js';
import { demoPretraining } from '../../../packages/bam/dist/experiment/demo-pipeline.js';
import { QUICK_RECIPE } from '../../../packages/bam/dist/experiment/demo-recipe.js';

const [streamFile, out] = process.argv.slice(2);
if (!streamFile || !out) throw new Error('usage: engine-on-stream.mjs <stream file> <out folder>');
const steps = Number(process.env.STEPS ?? 30000);
const seed = Number(process.env.SEED ?? 0);
const logEvery = Number(process.env.LOG_EVERY ?? 1000);
const stopAfter = Number(process.env.STOP_AFTER ?? steps);
const vocab = JSON.parse(readFileSync(process.env.SUITE ?? 'suite-s0.json', 'utf8')).vocab;
const recipe = { ...QUICK_RECIPE, layers: Number(process.env.L ?? 4), hidden: Number(process.env.H ?? 64) };
const { config } = demoPretraining(recipe, seed, vocab.length);
const B = recipe.pretrainBatchSize;
const lr = recipe.pretrainLr;

await initNode();
// As the pre-trainer builds it (pretrainer.ts buildModel): one generator for the weights, the head and dropout.
const generator = new Generator(seed);
const model = BertForPreTraining.fromConfig(config, { generator });
const training = new PretrainingModel(model, new TokenMatchHead(config.hiddenSize, config.initializerRange, { generator }));
const optimizer = new AdamW(training.namedParameters(), { lr, eps: 1e-6, weightDecay: D.weightDecay, biasCorrection: process.env.BIAS_CORRECTION === '1', maxGradNorm: D.maxGradNorm, noDecay: BERT_NO_DECAY });
const fd = openSync(streamFile, 'r');
const read = (bytes) => {
  const b = Buffer.alloc(bytes);
  if (readSync(fd, b, 0, bytes, null) !== bytes) throw new Error(`${streamFile}: the file ends before ${steps} steps`);
  return b;
};
training.train();
const t0 = performance.now();
for (let step = 0; step < Math.min(steps, stopAfter); step++) {
  const t = read(4).readInt32LE(0);
  const n = B * t;
  const ids = new Int16Array(read(2 * n).buffer);
  const types = new Int8Array(read(n).buffer);
  const mlm = new Int16Array(read(2 * n).buffer);
  const nsp = new Int16Array(read(2 * B).buffer);
  const answers = new Int8Array(read(n).buffer);
  const pos = [];
  const lab = [];
  const mpos = [];
  const mlab = [];
  for (let i = 0; i < n; i++) {
    if (mlm[i] !== -100) { pos.push(i); lab.push(mlm[i]); }
    if (answers[i] !== -100) { mpos.push(i); mlab.push(answers[i]); }
  }
  const made = [];
  const up = (a, shape) => { const x = tensor(Int32Array.from(a), shape); made.push(x); return x; };
  const inputs = { inputIds: up(ids, [B, t]), tokenTypeIds: up(types, [B, t]), attentionMask: up(Array.from(ids, (x) => (x === 0 ? 0 : 1)), [B, t]) };
  const positions = up(pos, [pos.length]);
  const labels = up(lab, [lab.length]);
  const pairs = nsp.some((x) => x !== -100) ? up(nsp, [B]) : null;
  const match = mpos.length > 0 ? { positions: up(mpos, [mpos.length]), labels: up(mlab, [mlab.length]) } : null;
  const report = (step + 1) % logEvery === 0 || step + 1 === steps;
  const losses = scope(() => {
    const o = model.forward(inputs, { positions });
    const parts = [crossEntropy(o.logits, labels)];
    if (pairs) parts.push(crossEntropy(o.seqRelationshipLogits, pairs));
    if (match) parts.push(training.tokenMatch.loss(o.lastHiddenState, match.positions, match.labels).loss);
    parts.reduce((s, l) => add(s, l)).backward();
    optimizer.step(lr * linearWarmupDecay(step, steps, D.warmupProportion));
    optimizer.zeroGrad();
    return report ? parts : [];
  });
  if (report) {
    const v = [];
    for (const l of losses) {
      v.push((await l.data())[0].toFixed(3));
      l.dispose();
    }
    console.log(`pre-training step ${step + 1}: mlm ${v[0]}${pairs ? `, nsp ${v[1]}` : ''}${match ? `, match ${v.at(-1)}` : ''}; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  made.forEach((x) => x.dispose());
}
closeSync(fd);
if (stopAfter < steps) process.exit(0);
mkdirSync(out, { recursive: true });
await savePretrainedEncoder(model, new BertTokenizer(vocab, { lowercase: true }), join(out, 'model'));
console.log(`${join(out, 'model')}: the engine's encoder after ${steps} steps on ${streamFile}`);
process.exit(0);
