// The engine's side of same_batches.py: from the replica's initial weights, without dropout, it takes the
// replica's N steps on the replica's batches and prints both sides' losses and gradient norms, and the largest
// relative differences. When same_batches.py ran with ENGINE_MASKS=philox:<seed>:<calls>, this keeps dropout 0.1
// and draws the same masks from Generator(seed) after <calls> draws. (The earlier engine's '<seed>:<calls>' masks
// need a build before bc6c5c4, when its generator was a PCG hash.) Run after a build, in the folder same_batches.py wrote to:
//   node <repo>/docs/results/pair-objectives/same-batches.mjs
import { readFileSync } from 'node:fs';
import { initNode } from '../../../packages/core/dist/node.js';
import { AdamW, Generator, add, crossEntropy, linearWarmupDecay, parseSafetensors, scope, tensor } from '../../../packages/core/dist/index.js';
import { BERT_NO_DECAY, BertForPreTraining, bertConfig } from '../../../packages/bert/dist/node.js';
import { TokenMatchHead } from '../../../packages/bam/dist/pretrain/token-match.js';
import { PretrainingModel } from '../../../packages/bam/dist/pretrain/pretraining-model.js';

await initNode();
const run = JSON.parse(readFileSync('same-batches.json', 'utf8'));
const config = bertConfig({
  vocabSize: run.vocab, hiddenSize: run.hidden, numHiddenLayers: run.layers, numAttentionHeads: run.heads, intermediateSize: 4 * run.hidden,
  maxPositionEmbeddings: 64, hiddenDropoutProb: run.masks ? 0.1 : 0, attentionProbsDropoutProb: run.masks ? 0.1 : 0,
});
const generator = new Generator(0);
const model = BertForPreTraining.fromConfig(config, { generator });
const training = new PretrainingModel(model, new TokenMatchHead(run.hidden, 0.02));
const init = parseSafetensors(new Uint8Array(readFileSync('same-batches-init.safetensors')), 'same-batches-init.safetensors');
const loaded = training.loadStateDict(new Map([...init.tensors].map(([k, e]) => [k, new Float32Array(e.bytes.slice().buffer)])));
if (loaded.missing.length || loaded.unexpected.length) throw new Error(`weights do not fit: ${JSON.stringify(loaded)}`);
const optimizer = new AdamW(training.namedParameters(), { lr: run.lr, eps: 1e-6, weightDecay: 0.01, biasCorrection: false, maxGradNorm: 1, noDecay: BERT_NO_DECAY });
if (run.masks) {
  const spec = /^philox:(\d+):(\d+)$/.exec(run.masks);
  if (!spec) throw new Error(`ENGINE_MASKS=${run.masks}: this engine draws with Philox, so same_batches.py needs philox:<seed>:<calls>`);
  generator.setState({ seed: Number(spec[1]), calls: Number(spec[2]) });
}
training.train();
const engine = [];
for (const [step, b] of run.batches.entries()) {
  const up = (a, shape) => tensor(Int32Array.from(a), shape);
  const x = {
    inputs: { inputIds: up(b.ids, [run.B, b.T]), tokenTypeIds: up(b.types, [run.B, b.T]), attentionMask: up(b.att, [run.B, b.T]) },
    pos: up(b.pos, [b.pos.length]), lab: up(b.lab, [b.lab.length]), nsp: up(b.nsp, [run.B]), mpos: up(b.mpos, [b.mpos.length]), mlab: up(b.mlab, [b.mlab.length]),
  };
  const losses = scope(() => {
    const out = model.forward(x.inputs, { positions: x.pos });
    const parts = [crossEntropy(out.logits, x.lab), crossEntropy(out.seqRelationshipLogits, x.nsp), training.tokenMatch.loss(out.lastHiddenState, x.mpos, x.mlab).loss];
    parts.reduce((s, l) => add(s, l)).backward();
    optimizer.step(run.lr * linearWarmupDecay(step, run.total, run.warm / run.total));
    optimizer.zeroGrad();
    return parts;
  });
  const row = [];
  for (const l of losses) {
    row.push((await l.data())[0]);
    l.dispose();
  }
  row.push(await optimizer.lastGradNorm());
  engine.push(row);
  [...Object.values(x.inputs), x.pos, x.lab, x.nsp, x.mpos, x.mlab].forEach((t) => t.dispose());
}
const n = engine.length;
const f = (r) => r.map((v) => v.toFixed(4)).join(' ');
console.log('step: engine mlm nsp match grad-norm | replica mlm nsp match grad-norm');
for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 10))) console.log(`${i + 1}: ${f(engine[i])} | ${f(run.log[i])}`);
for (const upto of [50, 100, 200, n].filter((u, k, a) => u <= n && a.indexOf(u) === k)) {
  const worst = [0, 1, 2, 3].map((c) => Math.max(...engine.slice(0, upto).map((e, i) => Math.abs(e[c] - run.log[i][c]) / Math.abs(run.log[i][c]))));
  console.log(`steps 1-${upto}, largest relative difference: mlm ${worst[0].toExponential(1)}, nsp ${worst[1].toExponential(1)}, match ${worst[2].toExponential(1)}, gradient norm ${worst[3].toExponential(1)}`);
}
process.exit(0);
