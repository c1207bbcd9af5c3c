// The engine's side of dropout_draws.py: one batch's losses in eval mode and over DRAWS train-mode draws.
//   FOLDER=<Hugging Face BertForPreTraining folder> node <repo>/docs/results/pair-objectives/dropout-draws.mjs
import { readFileSync } from 'node:fs';
import { initNode } from '../../../packages/core/dist/node.js';
import { Generator, crossEntropy, noGrad, tensor } from '../../../packages/core/dist/index.js';
import { BertForPreTraining } from '../../../packages/bert/dist/node.js';

await initNode();
const draws = Number(process.env.DRAWS ?? 60);
const model = await BertForPreTraining.fromPretrained(process.env.FOLDER, { generator: new Generator(1), warn: false });
const b = JSON.parse(readFileSync('same-batches.json', 'utf8')).batches[Number(process.env.BATCH ?? 250)];
const B = b.nsp.length;
const up = (a, shape) => tensor(Int32Array.from(a), shape);
const inputs = { inputIds: up(b.ids, [B, b.T]), tokenTypeIds: up(b.types, [B, b.T]), attentionMask: up(b.att, [B, b.T]) };
const pos = up(b.pos, [b.pos.length]);
const lab = up(b.lab, [b.lab.length]);
const nsp = up(b.nsp, [B]);
const losses = async () => {
  const ls = noGrad(() => {
    const o = model.forward(inputs, { positions: pos });
    return [crossEntropy(o.logits, lab), crossEntropy(o.seqRelationshipLogits, nsp)];
  });
  const v = [];
  for (const l of ls) {
    v.push((await l.data())[0]);
    l.dispose();
  }
  return v;
};
model.eval();
const ev = await losses();
model.train();
const x = [];
for (let i = 0; i < draws; i++) x.push(await losses());
const meanSd = (c) => {
  const v = x.map((r) => r[c]);
  const m = v.reduce((a, y) => a + y, 0) / v.length;
  return `${m.toFixed(4)} ± ${Math.sqrt(v.reduce((a, y) => a + (y - m) ** 2, 0) / (v.length - 1)).toFixed(4)}`;
};
console.log(`engine: first draws ${x.slice(0, 3).map(([a, b]) => `mlm ${a.toFixed(5)} nsp ${b.toFixed(5)}`).join('; ')}`);
console.log(`engine: eval mlm ${ev[0].toFixed(4)}, nsp ${ev[1].toFixed(4)}; ${draws} train-mode draws: mlm ${meanSd(0)}, nsp ${meanSd(1)}`);
process.exit(0);
