// An oracle for the pair tasks: every synonym is replaced by its concept's first form in train and dev,
// so the teacher is handed synonymy, and the teacher is fine-tuned with the demo's recipe. Prints the dev
// score per seed, and accuracy on pairs whose two sentences are identical against the rest.
// Run from the repository root after a build (ORACLE=0: the suite as it is; SCALE: the suite size):
//   TASK=paraphrase SEEDS=0,1,2 PRE=<encoder folder> node docs/results/pair-edit-kinds/oracle-synonyms.mjs
import { initNode } from '../../../packages/core/dist/node.js';
import { BertTokenizer } from '../../../packages/bert/dist/node.js';
import { generateSyntheticGlue } from '../../../packages/bam/dist/index.js';
import { DEFAULT_TRAIN_CONFIG } from '../../../packages/bam/dist/train/config.js';
import { fromSynthetic } from '../../../packages/bam/dist/train/task.js';
import { train } from '../../../packages/bam/dist/train/trainer.js';
import { headline, argmax } from '../../../packages/bam/dist/train/evaluate.js';
import { featurize } from '../../../packages/bam/dist/train/features.js';
import { predict } from '../../../packages/bam/dist/train/predict.js';
import { QUICK_RECIPE as R } from '../../../packages/bam/dist/experiment/demo-recipe.js';
import { oracleExample } from './synonym-oracle.mjs';
const rt = await initNode();
const suite = generateSyntheticGlue({ seed: 0, scale: Number(process.env.SCALE ?? R.scale) });
const tokenizer = new BertTokenizer(suite.vocabTxt().split('\n').filter((l) => l.length > 0), { lowercase: true });
const base = suite.tasks.map(fromSynthetic).find((t) => t.name.includes(process.env.TASK ?? 'entailment'));
const task = process.env.ORACLE === '0' ? base : { ...base, train: base.train.map(oracleExample), dev: base.dev.map(oracleExample) };
console.log(`${task.name}, oracle ${process.env.ORACLE !== '0'}: e.g. ${task.dev[3].textA} / ${task.dev[3].textB}`);
for (const seed of (process.env.SEEDS ?? '0,1,2').split(',').map(Number)) {
  const r = await train({ tasks: [task], tokenizer, config: { ...DEFAULT_TRAIN_CONFIG, init: { pretrained: process.env.PRE }, maxSeqLength: R.maxSeqLength, batchSize: R.batchSize, epochs: R.epochs, learningRate: R.learningRate, targets: { kind: 'gold' }, seed, progress: false } });
  console.log(`seed ${seed}: ${(100 * headline(task, r.dev[task.name])).toFixed(1)} ${JSON.stringify(r.dev[task.name])}`);
  for (const split of ['train', 'dev']) {
    const exs = task[split];
    const f = featurize(task, 0, exs, tokenizer, R.maxSeqLength);
    const p = await predict(r.model, task.name, f, 64, false);
    for (const same of [true, false]) {
      const idx = exs.map((e, i) => ((e.textA === e.textB) === same ? i : -1)).filter((i) => i >= 0);
      const ok = idx.filter((i) => argmax(p[i]) === f[i].gold).length;
      const gold = {}; for (const i of idx) gold[exs[i].label] = (gold[exs[i].label] ?? 0) + 1;
      const said = {}; for (const i of idx) { const l = task.labels[argmax(p[i])]; said[l] = (said[l] ?? 0) + 1; }
      console.log(`  ${split} ${same ? 'identical' : 'different'}: ${idx.length} pairs, accuracy ${(100 * ok / Math.max(1, idx.length)).toFixed(1)}, gold ${JSON.stringify(gold)}, predicted ${JSON.stringify(said)}`);
    }
  }
  r.model.dispose();
}
