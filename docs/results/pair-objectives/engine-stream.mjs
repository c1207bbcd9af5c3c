// Writes the engine's own pre-training batches (bam demo's stream without length grouping: each epoch's
// shuffle, each step's next-sentence partners, masks and token-match answers, all from Mulberry32 streams)
// to a file, for replica_teachers.py STREAM=: the replica then trains on the engine's data with its own
// initialisation, dropout and optimiser. Run after a build, in the suite dump's folder:
//   node <repo>/docs/results/pair-objectives/engine-stream.mjs   → engine-stream-s<seed>.bin
// env: SEED (0), STEPS (30000), CORPUS_VERSION (2). Per step: int32 T, then int16 input ids [B·T] (masked,
// padded), int8 type ids, int16 masked-LM answers (-100: none), int16 next-sentence labels [B], int8
// token-match answers (-100: none). The rows are drawn by the pre-trainer's own drawPretrainRows.
import { closeSync, openSync, writeSync } from 'node:fs';
import { BertTokenizer } from '../../../packages/bert/dist/node.js';
import { generatePretrainingCorpus, generateSyntheticGlue } from '../../../packages/bam/dist/index.js';
import { tokenizeDocuments } from '../../../packages/bam/dist/pretrain/documents.js';
import { drawPretrainRows } from '../../../packages/bam/dist/pretrain/batch.js';
import { DEFAULT_PRETRAIN_CONFIG } from '../../../packages/bam/dist/pretrain/config.js';
import { pretrainBatchOptions } from '../../../packages/bam/dist/pretrain/setup.js';
import { epochOrder, splitHeldOut, stepRows, stepsPerEpoch } from '../../../packages/bam/dist/pretrain/stream.js';
import { QUICK_RECIPE as R } from '../../../packages/bam/dist/experiment/demo-recipe.js';

const seed = Number(process.env.SEED ?? 0);
const steps = Number(process.env.STEPS ?? 30000);
const B = R.pretrainBatchSize;
// The pre-trainer's settings for this stream: its order, masks and options come from the same functions.
const cfg = { ...DEFAULT_PRETRAIN_CONFIG, seed, batchSize: B, maxSeqLength: R.maxSeqLength, groupByLength: false, nextSentence: true, tokenMatch: 1 };
const suite = generateSyntheticGlue({ seed, scale: R.scale });
const tok = new BertTokenizer(suite.vocabTxt().split('\n').filter((l) => l.length > 0), { lowercase: true });
const documents = generatePretrainingCorpus(suite, { size: R.corpusSize, version: Number(process.env.CORPUS_VERSION ?? 2) });
const docs = tokenizeDocuments(splitHeldOut(documents, cfg).train, tok);
const options = pretrainBatchOptions(tok, cfg);

/** The pre-trainer's rows (batch.ts drawPretrainRows) as flat arrays. */
function hostBatch(rows, rng) {
  const { framed, nsp, t, masked, match } = drawPretrainRows(docs, rows, rng, options);
  const ids = new Int16Array(B * t).fill(tok.padId);
  const types = new Int8Array(B * t);
  const mlm = new Int16Array(B * t).fill(-100);
  const answers = new Int8Array(B * t).fill(-100);
  framed.forEach((f, b) => f.inputIds.forEach((_, i) => {
    ids[b * t + i] = masked.inputIds[b][i];
    types[b * t + i] = f.tokenTypeIds[i];
  }));
  masked.positions.forEach((p, k) => { mlm[p] = masked.labels[k]; });
  match.positions.forEach((p, k) => { answers[p] = match.labels[k]; });
  return { t, ids, types, mlm, nsp: Int16Array.from(nsp), answers };
}

const perEpoch = stepsPerEpoch(docs, cfg);
const file = `engine-stream-s${seed}.bin`;
const fd = openSync(file, 'w');
let order = [];
for (let step = 0; step < steps; step++) {
  if (step % perEpoch === 0) order = epochOrder(docs, Math.floor(step / perEpoch), cfg);
  const { rows, rng } = stepRows(docs, order, step, cfg);
  const b = hostBatch(rows, rng);
  const head = Buffer.alloc(4);
  head.writeInt32LE(b.t, 0);
  for (const a of [head, b.ids, b.types, b.mlm, b.nsp, b.answers]) writeSync(fd, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}
closeSync(fd);
console.log(`${file}: ${steps} steps of ${B} documents (seed ${seed})`);
process.exit(0);
