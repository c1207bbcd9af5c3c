// Single-task teachers' accuracy per kind of edit: a pair task's dev and train pairs are sorted by
// the edit that decides them (read off the word diff and the lexicon), and the teacher fine-tuned
// with the demo's recipe (half suite, data seed 0) is scored per kind. Run from the repository root
// after a build:
//   TASK=entailment SEEDS=0,1,2 PRE=<encoder folder> node docs/results/pair-edit-kinds/edit-kinds.mjs
// EPOCHS and FTLR override the recipe's epochs and learning rate (QUICK_RECIPE).
import { initNode } from '../../../packages/core/dist/node.js';
import { BertTokenizer } from '../../../packages/bert/dist/node.js';
import { generateSyntheticGlue } from '../../../packages/bam/dist/index.js';
import { DEFAULT_TRAIN_CONFIG } from '../../../packages/bam/dist/train/config.js';
import { fromSynthetic } from '../../../packages/bam/dist/train/task.js';
import { train } from '../../../packages/bam/dist/train/trainer.js';
import { featurize } from '../../../packages/bam/dist/train/features.js';
import { predict } from '../../../packages/bam/dist/train/predict.js';
import { argmax } from '../../../packages/bam/dist/train/evaluate.js';
import { NOUNS, ADJECTIVES, VERBS } from '../../../packages/bam/dist/synthetic/lexicon.js';
import { QUICK_RECIPE as R } from '../../../packages/bam/dist/experiment/demo-recipe.js';

const word = new Map(); // surface form → { pos, c: its concept }
for (const n of NOUNS) for (const f of n.forms) for (const s of [f.sg, f.pl]) word.set(s, { pos: 'noun', c: n });
for (const a of ADJECTIVES) for (const s of a.forms) word.set(s, { pos: 'adj', c: a });
for (const v of VERBS) for (const f of v.forms) for (const s of [f.s3, f.base, f.part]) word.set(s, { pos: 'verb', c: v });
const relation = (x, y) => {
  const a = word.get(x), b = word.get(y);
  if (!a || !b) return 'function';
  if (a.pos !== b.pos) return 'mixed';
  if (a.c.id === b.c.id) return 'synonym';
  if (a.pos === 'noun' && a.c.cls === b.c.cls && (a.c.isHypernym || b.c.isHypernym)) return 'class word';
  if (a.c.antonym === b.c.id || b.c.antonym === a.c.id) return 'antonym';
  if (a.pos === 'adj' && a.c.colour && b.c.colour) return 'antonym';
  return 'other';
};
const count = (ts, w) => ts.filter((t) => t === w).length;
function kindOf(textA, textB) {
  const A = textA.split(' '), B = textB.split(' ');
  if (count(A, 'not') !== count(B, 'not')) return 'negation';
  if (count(A, 'by') !== count(B, 'by')) return 'voice swap';
  if (textA !== textB && [...A].sort().join(' ') === [...B].sort().join(' ')) return 'role swap';
  if (A[0] !== B[0] && !['a', 'an'].includes(A[0]) === !['a', 'an'].includes(B[0])) return 'determiner';
  if (A[0] !== B[0] && word.get(A[1]) === word.get(B[1])) return 'determiner';
  if (count(A, 'very') !== count(B, 'very')) return 'very ±';
  if (A.length !== B.length) return 'adjective ±';
  // Same length: substitutions at the same positions (voice swaps change more; role swaps reorder).
  const rels = [];
  for (let i = 0; i < A.length; i++) if (A[i] !== B[i] && !(['a', 'an'].includes(A[i]) && ['a', 'an'].includes(B[i]))) rels.push(`${word.get(A[i])?.pos ?? 'function'} ${relation(A[i], B[i])}`);
  if (rels.length === 0) return 'identical';
  const main = rels.filter((r) => !r.endsWith('synonym'));
  if (main.length === 0) return 'synonyms only';
  if (main.length > 1) return 'several';
  return main[0].replace(/^(noun|adj|verb) (antonym|other|class word)$/, '$1: $2');
}

const rt = await initNode();
const suite = generateSyntheticGlue({ seed: 0, scale: R.scale });
const tokenizer = new BertTokenizer(suite.vocabTxt().split('\n').filter((l) => l.length > 0), { lowercase: true });
const task = suite.tasks.map(fromSynthetic).find((t) => t.name.includes(process.env.TASK ?? 'entailment'));
const kinds = task.dev.map((e) => kindOf(e.textA, e.textB));
const trainKinds = task.train.map((e) => kindOf(e.textA, e.textB));
const seeds = (process.env.SEEDS ?? '0,1,2').split(',').map(Number);
const correct = new Map();
const trainCorrect = new Map();
for (const seed of seeds) {
  const r = await train({ tasks: [task], tokenizer, config: { ...DEFAULT_TRAIN_CONFIG, init: { pretrained: process.env.PRE }, maxSeqLength: R.maxSeqLength, batchSize: R.batchSize, epochs: Number(process.env.EPOCHS ?? R.epochs), learningRate: Number(process.env.FTLR ?? R.learningRate), targets: { kind: 'gold' }, seed, progress: false } });
  const feats = featurize(task, 0, task.dev, tokenizer, R.maxSeqLength);
  const preds = await predict(r.model, task.name, feats, 64, false);
  preds.forEach((p, i) => { const k = kinds[i]; const c = correct.get(k) ?? []; c[seed] = (c[seed] ?? 0) + (argmax(p) === feats[i].gold ? 1 : 0); correct.set(k, c); });
  const tf = featurize(task, 0, task.train, tokenizer, R.maxSeqLength);
  const tp = await predict(r.model, task.name, tf, 64, false);
  tp.forEach((p, i) => { const k = `${trainKinds[i]}`; const c = trainCorrect.get(k) ?? []; c[seed] = (c[seed] ?? 0) + (argmax(p) === tf[i].gold ? 1 : 0); trainCorrect.set(k, c); });
  console.log(`seed ${seed}: train accuracy ${(tp.filter((p, i) => argmax(p) === tf[i].gold).length / tp.length * 100).toFixed(1)}`);
  console.log(`seed ${seed}: dev accuracy ${(preds.filter((p, i) => argmax(p) === feats[i].gold).length / preds.length * 100).toFixed(1)}`);
  r.model.dispose();
}
const labels = task.labels;
console.log(`\nkind\ttrain\tdev\tmajority label share\tteacher accuracy (${seeds.join(' / ')})\tmean\ttrain accuracy (mean)`);
for (const k of [...new Set(kinds)].sort((a, b) => kinds.filter((x) => x === b).length - kinds.filter((x) => x === a).length)) {
  const idx = kinds.map((x, i) => (x === k ? i : -1)).filter((i) => i >= 0);
  const byLabel = labels.map((l) => idx.filter((i) => task.dev[i].label === l).length);
  const c = correct.get(k);
  const accs = seeds.map((s) => (100 * (c[s] ?? 0)) / idx.length);
  console.log(`${k}\t${trainKinds.filter((x) => x === k).length}\t${idx.length}\t${(100 * Math.max(...byLabel) / idx.length).toFixed(0)}%\t${accs.map((a) => a.toFixed(0)).join(' / ')}\t${(accs.reduce((s, a) => s + a, 0) / accs.length).toFixed(1)}\t${(() => { const n = trainKinds.filter((x) => x === k).length; const t = trainCorrect.get(k) ?? []; return n ? (seeds.reduce((s, sd) => s + 100 * (t[sd] ?? 0) / n, 0) / seeds.length).toFixed(1) : '–'; })()}`);
}
