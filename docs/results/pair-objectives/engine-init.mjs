// Writes the engine's initial pre-training weights, as bam demo builds them (BertForPreTraining, then the
// token-match head, from one Generator(seed)), under the names of replica_teachers.py's pre-training model,
// for its PRE_INIT. Run after a build, in the suite dump's folder:
//   node <repo>/docs/results/pair-objectives/engine-init.mjs   (SEED=1 for another; L, H as the replica's)
//   → engine-init-s<seed>.safetensors (a build before bc6c5c4 draws the earlier engine's PCG-hash weights)
import { readFileSync, writeFileSync } from 'node:fs';
import { initNode } from '../../../packages/core/dist/node.js';
import { Generator, serializeSafetensors } from '../../../packages/core/dist/index.js';
import { BertForPreTraining, bertConfig } from '../../../packages/bert/dist/node.js';
import { TokenMatchHead } from '../../../packages/bam/dist/pretrain/token-match.js';
import { PretrainingModel } from '../../../packages/bam/dist/pretrain/pretraining-model.js';
import { demoPretraining } from '../../../packages/bam/dist/experiment/demo-pipeline.js';
import { QUICK_RECIPE } from '../../../packages/bam/dist/experiment/demo-recipe.js';

await initNode();
const seed = Number(process.env.SEED ?? 0);
const vocab = JSON.parse(readFileSync(process.env.SUITE ?? 'suite-s0.json', 'utf8')).vocab;
// The demo's encoder shape (dropout and all) for the replica's sizes.
const { config } = demoPretraining({ ...QUICK_RECIPE, layers: Number(process.env.L ?? 4), hidden: Number(process.env.H ?? 64) }, seed, vocab.length);
const generator = new Generator(seed);
const model = BertForPreTraining.fromConfig(config, { generator });
const training = new PretrainingModel(model, new TokenMatchHead(config.hiddenSize, config.initializerRange, { generator }));
const renames = [['cls.predictions.transform.', 'transform.'], ['cls.seq_relationship.', 'nsp.'], ['token_match.dense.', 'token_head.0.'], ['token_match.classifier.', 'token_head.2.']];
const replicaName = (n) => {
  if (n === 'cls.predictions.bias') return 'mlm_bias';
  const r = renames.find(([engine]) => n.startsWith(engine));
  return r ? r[1] + n.slice(r[0].length) : n;
};
const tensors = [];
for (const [n, p] of training.namedParameters()) tensors.push([replicaName(n), { dtype: 'F32', shape: p.shape, data: await p.data() }]);
const file = `engine-init-s${seed}.safetensors`;
writeFileSync(file, serializeSafetensors(tensors));
console.log(`${file}: ${tensors.length} tensors`);
process.exit(0);
