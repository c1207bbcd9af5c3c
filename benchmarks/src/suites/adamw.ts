/**
 * One optimiser step over BERT-base's parameter set (≈110M floats; `--quick`
 * uses one encoder layer), as GB/s of the bytes an ideal Adam update moves:
 * read parameter, gradient, m, v and write parameter, m, v = 28 bytes per
 * parameter. Ours is the fused arena AdamW (one update kernel plus the
 * gradient copy-in and global-norm pass); TF.js has no AdamW, so its row is
 * tf.train.adam, the same update without decoupled weight decay.
 */
import { AdamW, randn, type Tensor } from '@bamgpu/core';
import { BERT_NO_DECAY } from '@bamgpu/bert';
import type { Tf, TfTensor } from '../tfjs/load.js';
import type { Instance, Workload } from '../types.js';

const HIDDEN = 768;
const FFN = 3072;

/** BERT-base's parameters by Hugging Face name: embeddings, `layers` encoder layers, pooler. */
export function bertBaseParams(layers: number, embeddings: boolean): [string, number[]][] {
  const out: [string, number[]][] = [];
  if (embeddings) {
    out.push(['embeddings.word_embeddings.weight', [30522, HIDDEN]], ['embeddings.position_embeddings.weight', [512, HIDDEN]]);
    out.push(['embeddings.token_type_embeddings.weight', [2, HIDDEN]], ['embeddings.LayerNorm.weight', [HIDDEN]], ['embeddings.LayerNorm.bias', [HIDDEN]]);
  }
  for (let l = 0; l < layers; l++) {
    const p = `encoder.layer.${l}.`;
    for (const m of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
      out.push([`${p}${m}.weight`, [HIDDEN, HIDDEN]], [`${p}${m}.bias`, [HIDDEN]]);
    }
    out.push([`${p}attention.output.LayerNorm.weight`, [HIDDEN]], [`${p}attention.output.LayerNorm.bias`, [HIDDEN]]);
    out.push([`${p}intermediate.dense.weight`, [FFN, HIDDEN]], [`${p}intermediate.dense.bias`, [FFN]]);
    out.push([`${p}output.dense.weight`, [HIDDEN, FFN]], [`${p}output.dense.bias`, [HIDDEN]]);
    out.push([`${p}output.LayerNorm.weight`, [HIDDEN]], [`${p}output.LayerNorm.bias`, [HIDDEN]]);
  }
  if (embeddings) out.push(['pooler.dense.weight', [HIDDEN, HIDDEN]], ['pooler.dense.bias', [HIDDEN]]);
  return out;
}

const count = (params: [string, number[]][]) => params.reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);

function oursAdamW(params: [string, number[]][]): Instance {
  const named: [string, Tensor][] = [];
  const free = () => {
    for (const [, p] of named) p.dispose(); // disposes p.grad too
  };
  let opt: AdamW;
  try {
    for (const [name, shape] of params) {
      const p = randn(shape, { std: 0.02, requiresGrad: true });
      p.grad = randn(shape, { std: 1e-3 });
      named.push([name, p]);
    }
    opt = new AdamW(named, { lr: 1e-4, weightDecay: 0.01, noDecay: BERT_NO_DECAY });
  } catch (e) {
    free();
    throw e;
  }
  return {
    // Gradients stay in place between steps (step() copies them in), so every step does the full update.
    run: () => opt.step(),
    dispose: () => {
      try {
        opt.dispose();
      } finally {
        free();
      }
    },
  };
}

let tfjsInstances = 0;

function tfjsAdam(tf: Tf, params: [string, number[]][]): Instance {
  const prefix = `bench-adam-${tfjsInstances++}/`;
  const vars = params.map(([name, shape]) => {
    const init = tf.randomNormal(shape, 0, 0.02);
    const v = tf.variable(init, true, prefix + name);
    init.dispose(); // the variable holds its own reference to the data
    return v;
  });
  const grads: { name: string; tensor: TfTensor }[] = params.map(([name, shape]) => ({ name: prefix + name, tensor: tf.randomNormal(shape, 0, 1e-3) }));
  const opt = tf.train.adam(1e-4, 0.9, 0.999, 1e-6);
  return {
    run: () => opt.applyGradients(grads),
    dispose: () => {
      opt.dispose();
      tf.dispose(vars);
      tf.dispose(grads.map((g) => g.tensor));
    },
  };
}

export function adamwWorkloads(quick: boolean): Workload[] {
  const params = quick ? bertBaseParams(1, false) : bertBaseParams(12, true);
  const n = count(params);
  return [
    {
      id: quick ? 'adamw/bert-base-1-layer' : 'adamw/bert-base',
      group: 'adamw',
      shape: `${params.length} tensors, ${(n / 1e6).toFixed(1)}M params (${quick ? 'one BERT-base layer' : 'BERT-base'})`,
      unit: 'GB/s',
      work: 28 * n,
      quick: true,
      maxReps: 1,
      note: 'TF.js: tf.train.adam (it has no AdamW); bytes = 28 per parameter',
      ours: () => oursAdamW(params),
      tfjs: (tf: Tf) => tfjsAdam(tf, params),
    },
  ];
}
