// Can the model learn "is B the same as A" from labels at all? A is 8 random words of the suite's
// vocabulary; B is A, or A with one word replaced (half each; no label noise). Fine-tuned with the
// recipe's trainer. env: N (training pairs), EPOCHS, FTLR, L (layers, random init), DROP (dropout),
// PRE (an encoder folder instead of random init). Run from the repository root after a build:
//   N=2000 PRE=<encoder folder> node docs/results/pair-edit-kinds/copy-task.mjs
import { initNode } from '../../../packages/core/dist/node.js';
import { BertTokenizer, bertConfig } from '../../../packages/bert/dist/node.js';
import { generateSyntheticGlue } from '../../../packages/bam/dist/index.js';
import { DEFAULT_TRAIN_CONFIG } from '../../../packages/bam/dist/train/config.js';
import { train } from '../../../packages/bam/dist/train/trainer.js';
import { QUICK_RECIPE as R } from '../../../packages/bam/dist/experiment/demo-recipe.js';
const rt = await initNode();
const suite = generateSyntheticGlue({ seed: 0, scale: R.scale });
const vocab = suite.vocabTxt().split('\n').filter((l) => l.length > 0);
const tokenizer = new BertTokenizer(vocab, { lowercase: true });
const words = vocab.filter((w) => /^[a-z]+$/.test(w) && tokenizer.encode(w).inputIds.length === 3).slice(0, 200);
let s = 7; const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
const pick = () => words[Math.floor(rnd() * words.length)];
const make = (n, id) => Array.from({ length: n }, (_, i) => {
  const a = Array.from({ length: 8 }, pick); const b = [...a]; const same = rnd() < 0.5;
  if (!same) { const j = Math.floor(rnd() * 8); let w; do w = pick(); while (w === a[j]); b[j] = w; }
  return { id: `${id}-${i}`, textA: a.join(' '), textB: b.join(' '), label: same ? '1' : '0' };
});
const N = Number(process.env.N ?? 2000);
const task = { name: 'copy', kind: 'classification', labels: ['0', '1'], isPair: true, metrics: ['accuracy'], symmetric: false, train: make(N, 'train'), dev: make(400, 'dev'), test: [] };
const config = bertConfig({ vocabSize: tokenizer.vocabSize, hiddenSize: 64, numHiddenLayers: Number(process.env.L ?? 2), numAttentionHeads: 4, intermediateSize: 256, maxPositionEmbeddings: 64, hiddenDropoutProb: Number(process.env.DROP ?? 0.1), attentionProbsDropoutProb: Number(process.env.DROP ?? 0.1) });
const init = process.env.PRE ? { pretrained: process.env.PRE } : { config };
const r = await train({ tasks: [task], tokenizer, config: { ...DEFAULT_TRAIN_CONFIG, init, maxSeqLength: R.maxSeqLength, batchSize: R.batchSize, epochs: Number(process.env.EPOCHS ?? R.epochs), learningRate: Number(process.env.FTLR ?? R.learningRate), targets: { kind: 'gold' }, seed: 0, progress: false } });
console.log(`copy task, N=${N}, ${process.env.PRE ? 'pre-trained ' + process.env.PRE : 'random init'}: dev ${JSON.stringify(r.dev.copy)}`);
console.log('words', words.length, words.slice(0, 8).join(' '), '| example', JSON.stringify(task.train[0]), JSON.stringify(task.train[1]));
const steps = r.history.filter((e) => e.type === 'step');
console.log('loss by step:', steps.filter((_, i) => i % Math.max(1, Math.floor(steps.length / 10)) === 0).map((e) => `${e.step}:${e.loss.toFixed(3)}`).join(' '));
