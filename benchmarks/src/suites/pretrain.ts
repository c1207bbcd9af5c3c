/**
 * Pre-training steps of `bam demo`'s recipes, one row each. Rate: steps/s;
 * tokens/s is that times the tokens a step. No TF.js twin: the rows track
 * our own pre-training throughput.
 */
import { AdamW, crossEntropy, scope, tensor } from '@bamgpu/core';
import { BERT_NO_DECAY, BertForMaskedLM, bertConfig } from '@bamgpu/bert';
import { DEMO_RECIPE } from '@bamgpu/bam/node';
import { DATA_SEED, demoRecipeStep, demoStepData } from '../models/demo-recipe-step.js';
import type { Instance, Workload } from '../types.js';

/*
 * pretrain/mlm-step-demo: the quick recipe's step (QUICK_RECIPE, the demo's
 * default before DEMO_RECIPE), kept so its history goes on. Written out
 * here, not taken from bam: BertForMaskedLM of that recipe's shape (hidden
 * 64, 2 layers, 4 heads, the synthetic suite's 279-token vocabulary), a
 * fixed batch of 64 documents padded to 24 tokens, 15% of them predicted
 * through the tied decoder, backward and BERT's AdamW with clipping. Masked
 * LM alone: the recipe's next-sentence head is not in it.
 */

const SHAPE = { vocab: 279, hidden: 64, layers: 2, heads: 4, batch: 64, seq: 24, maskRate: 0.15 };
export const PRETRAIN_TOKENS_PER_STEP = SHAPE.batch * SHAPE.seq;

/** A fixed pseudo-random batch (the kernels' cost does not depend on which tokens they see). */
function fixedBatch() {
  const n = SHAPE.batch * SHAPE.seq;
  const ids = new Int32Array(n);
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < n; i++) ids[i] = i % SHAPE.seq === 0 ? 2 : 5 + Math.floor(next() * (SHAPE.vocab - 5));
  const positions: number[] = [];
  for (let i = 0; i < n; i++) if (i % SHAPE.seq !== 0 && next() < SHAPE.maskRate) positions.push(i);
  const labels = positions.map((p) => ids[p]);
  for (const p of positions) ids[p] = 4;
  return { ids, positions: Int32Array.from(positions), labels: Int32Array.from(labels) };
}

function oursPretrainStep(): Instance {
  const config = bertConfig({
    vocabSize: SHAPE.vocab, hiddenSize: SHAPE.hidden, numHiddenLayers: SHAPE.layers, numAttentionHeads: SHAPE.heads,
    intermediateSize: 4 * SHAPE.hidden, maxPositionEmbeddings: 64,
  });
  const model = BertForMaskedLM.fromConfig(config);
  const b = fixedBatch();
  const inputIds = tensor(b.ids, [SHAPE.batch, SHAPE.seq], { dtype: 'int32' });
  const attentionMask = tensor(new Int32Array(b.ids.length).fill(1), [SHAPE.batch, SHAPE.seq], { dtype: 'int32' });
  const positions = tensor(b.positions, [b.positions.length], { dtype: 'int32' });
  const labels = tensor(b.labels, [b.labels.length], { dtype: 'int32' });
  const opt = new AdamW(model.namedParameters(), { lr: 1e-3, eps: 1e-6, weightDecay: 0.01, biasCorrection: false, maxGradNorm: 1, noDecay: BERT_NO_DECAY });
  model.train();
  return {
    run: () => {
      scope(() => crossEntropy(model.forward({ inputIds, attentionMask }, { positions }).logits, labels).backward());
      opt.step();
      model.zeroGrad();
    },
    dispose: () => {
      opt.dispose();
      model.dispose();
      for (const t of [inputIds, attentionMask, positions, labels]) t.dispose();
    },
  };
}

/** pretrain/step-demo-recipe's shape in words, from DEMO_RECIPE and the batch it draws. */
function demoRecipeShape(): string {
  const r = DEMO_RECIPE;
  const { config, cfg, t, tokens } = demoStepData();
  const tasks = ['masked LM', ...(r.nextSentence ? ['next sentence'] : []), ...(r.tokenMatch ? [`token match ×${r.tokenMatch}`] : [])].join(' + ');
  const adam = r.pretrainBiasCorrection ? 'AdamW with bias correction' : "BERT's AdamW";
  return `DEMO_RECIPE pre-training step (fwd+bwd+${adam}), ${r.layers} layers, hidden ${r.hidden}, ${config.numAttentionHeads} heads, ${tasks}; data seed ${DATA_SEED}'s first batch ${cfg.batchSize}×${t} (${tokens} real tokens)`;
}

export function pretrainWorkloads(): Workload[] {
  return [
    {
      id: 'pretrain/mlm-step-demo',
      group: 'pretrain',
      shape: `masked-LM step (fwd+bwd+AdamW), hidden ${SHAPE.hidden}, ${SHAPE.layers} layers, vocab ${SHAPE.vocab}, batch ${SHAPE.batch}×${SHAPE.seq} (${PRETRAIN_TOKENS_PER_STEP} tokens, 15% predicted)`,
      unit: 'steps/s',
      work: 1,
      quick: true,
      maxReps: 1,
      note: `tokens/s = steps/s × ${PRETRAIN_TOKENS_PER_STEP}; no TF.js twin`,
      ours: oursPretrainStep,
    },
    {
      id: 'pretrain/step-demo-recipe',
      group: 'pretrain',
      // Getters: the batch behind them takes seconds to draw (a 50,000-document corpus), paid only where the row is used.
      get shape() {
        return demoRecipeShape();
      },
      unit: 'steps/s',
      work: 1,
      quick: true,
      maxReps: 1,
      get note() {
        return `tokens/s = steps/s × ${demoStepData().tokens} (real tokens: padding excluded, as the pre-trainer's tokens/s counts them); no TF.js twin`;
      },
      ours: demoRecipeStep,
    },
  ];
}
