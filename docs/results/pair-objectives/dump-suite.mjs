// Writes the demo's seed-0 suite (scale QUICK_RECIPE.scale) and its pre-training corpus as
// token ids, for replica_teachers.py. Run after a build, from the folder the replica runs in:
//   node <repo>/docs/results/pair-objectives/dump-suite.mjs   (SEED=1 for another suite; OUT=file)
// ORACLE=1 writes every task's texts through the synonym oracle (../pair-edit-kinds/synonym-oracle.mjs);
// the corpus stays as it is, so encoders pre-trained on either dump are the same. CORPUS_VERSION=2 writes
// corpus version 2 (docs/synthetic-glue.md §10.1) instead of the recipe's; run it in a folder of its own,
// since replica_teachers.py caches encoders by seed and settings, not by corpus.
import { writeFileSync } from 'node:fs';
import { BertTokenizer } from '../../../packages/bert/dist/node.js';
import { generateSyntheticGlue, generatePretrainingCorpus } from '../../../packages/bam/dist/index.js';
import { fromSynthetic } from '../../../packages/bam/dist/train/task.js';
import { tokenizeDocuments } from '../../../packages/bam/dist/pretrain/documents.js';
import { QUICK_RECIPE as R } from '../../../packages/bam/dist/experiment/demo-recipe.js';
import { oracleExample } from '../pair-edit-kinds/synonym-oracle.mjs';

const seed = Number(process.env.SEED ?? 0);
const oracle = process.env.ORACLE === '1';
const prepare = oracle ? oracleExample : (e) => e;
const corpusVersion = Number(process.env.CORPUS_VERSION ?? R.corpusVersion);
const suite = generateSyntheticGlue({ seed, scale: R.scale });
const vocab = suite.vocabTxt().split('\n').filter((l) => l.length > 0);
const tokenizer = new BertTokenizer(vocab, { lowercase: true });
const ids = (text) => tokenizer.convertTokensToIds(tokenizer.tokenize(text));
// The corpus as the pre-trainer tokenizes it.
const corpus = tokenizeDocuments(generatePretrainingCorpus(suite, { size: R.corpusSize, version: corpusVersion }), tokenizer);
const out = {
  vocab,
  corpusVersion,
  special: Object.fromEntries(['[PAD]', '[CLS]', '[SEP]', '[MASK]', '[UNK]'].map((s) => [s, vocab.indexOf(s)])),
  corpus: corpus.a.map((a, i) => [a, corpus.b[i]]),
  tasks: {},
};
for (const t of suite.tasks.map(fromSynthetic)) {
  const row = (ex) => [ids(ex.textA), ex.textB === undefined ? null : ids(ex.textB),
    t.kind === 'classification' ? t.labels.indexOf(String(ex.label)) : (Number(ex.label) - t.range[0]) / (t.range[1] - t.range[0])];
  out.tasks[t.name] = { kind: t.kind, nLabels: t.labels?.length ?? 1, metric: t.metrics[0], symmetric: t.symmetric, train: t.train.map((e) => row(prepare(e))), dev: t.dev.map((e) => row(prepare(e))) };
}
const file = process.env.OUT ?? `suite-s${seed}${oracle ? '-oracle' : ''}.json`;
writeFileSync(file, JSON.stringify(out));
console.log(`${file}: ${Object.entries(out.tasks).map(([k, v]) => `${k} ${v.train.length}/${v.dev.length}`).join(', ')}; corpus ${out.corpus.length}; vocab ${vocab.length}`);
