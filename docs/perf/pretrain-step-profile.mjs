// GPU time of one masked-LM pre-training step per kernel family (timestamp queries, one compute
// pass per kernel), at the demo's model size: hidden 64, 2 layers, batch 64, T tokens per row
// (default 24), 15% of positions predicted. Run from the repository root after a build:
//   T=40 node docs/perf/pretrain-step-profile.mjs
import { initNode, AdamW, crossEntropy, scope, tensor } from '../../packages/core/dist/node.js';
import { BERT_NO_DECAY, BertForMaskedLM, bertConfig } from '../../packages/bert/dist/node.js';
import { QUICK_RECIPE as R } from '../../packages/bam/dist/experiment/demo-recipe.js';
const rt = await initNode();
const B = R.pretrainBatchSize, T = Number(process.env.T ?? 24), V = 279;
// The demo's shape, as the bam CLI builds it (cli/load.ts: a head per 16 dimensions, 4× wide feed-forward).
const config = bertConfig({ vocabSize: V, hiddenSize: R.hidden, numHiddenLayers: R.layers, numAttentionHeads: R.hidden / 16, intermediateSize: 4 * R.hidden, maxPositionEmbeddings: 64 });
const model = BertForMaskedLM.fromConfig(config);
const n = B * T; const ids = new Int32Array(n); let s = 1; const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
for (let i = 0; i < n; i++) ids[i] = 5 + Math.floor(next() * (V - 5));
const pos = []; for (let i = 0; i < n; i++) if (next() < 0.15) pos.push(i);
const inputIds = tensor(ids, [B, T], { dtype: 'int32' }), attentionMask = tensor(new Int32Array(n).fill(1), [B, T], { dtype: 'int32' });
const positions = tensor(Int32Array.from(pos), [pos.length], { dtype: 'int32' }), labels = tensor(Int32Array.from(pos.map((p) => ids[p])), [pos.length], { dtype: 'int32' });
const opt = new AdamW(model.namedParameters(), { lr: R.pretrainLr, eps: 1e-6, weightDecay: 0.01, biasCorrection: false, maxGradNorm: 1, noDecay: BERT_NO_DECAY });
model.train();
const step = () => { scope(() => crossEntropy(model.forward({ inputIds, attentionMask }, { positions }).logits, labels).backward()); opt.step(); model.zeroGrad(); };
for (let i = 0; i < 3; i++) step(); await rt.sync();
const r = await rt.timeGPU(step, { perKernel: true });
const w = await rt.timeGPU(step);
console.log(`T=${T} gpu ${r.gpuMs?.toFixed(1)} ms (per-kernel passes), plain gpu ${w.gpuMs?.toFixed(1)} wall ${w.wallMs.toFixed(1)}`);
const fam = new Map(); let tot = 0; for (const k of r.kernels) { const p = k.key.split("|"); const f = p[0] === "ew" ? (p[1] === "copy" ? "ew copy" : "ew other") : p[0]; fam.set(f, (fam.get(f) ?? 0) + k.ms); tot += k.ms; }
for (const [f, ms] of [...fam].sort((a, b) => b[1] - a[1])) console.log(f.padEnd(20), ms.toFixed(1).padStart(7), (100 * ms / tot).toFixed(1).padStart(5) + "%");
