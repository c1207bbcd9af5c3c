/**
 * The TF.js twin of ../models/encoder-ours.ts: the same post-LN layer, loss
 * and step, written with tfjs-core ops (weights in TF.js's natural [in, out]
 * layout), gradients from tf.variableGrads and the update from tf.train.adam
 * (TF.js has no AdamW).
 */
import type { EncoderConfig } from '../models/encoder-ours.js';
import type { Instance } from '../types.js';
import type { Tf, TfTensor } from './load.js';
import * as tfnn from './nn.js';

type TfVariable = ReturnType<Tf['variable']>;

interface Dense {
  w: TfVariable;
  b: TfVariable;
}

interface Layer {
  query: Dense;
  key: Dense;
  value: Dense;
  attnOut: Dense;
  attnNorm: Dense;
  up: Dense;
  down: Dense;
  outNorm: Dense;
}

let models = 0;

export function tfjsEncoderStep(tf: Tf, cfg: EncoderConfig, optimise: boolean): Instance {
  const prefix = `bench-encoder-${models++}/`;
  const vars: TfVariable[] = [];
  const v = (name: string, init: TfTensor): TfVariable => {
    const t = tf.variable(init, true, prefix + name);
    init.dispose();
    vars.push(t);
    return t;
  };
  const dense = (name: string, inDim: number, outDim: number): Dense => ({
    w: v(`${name}.w`, tf.randomNormal([inDim, outDim], 0, 0.02)),
    b: v(`${name}.b`, tf.zeros([outDim])),
  });
  const norm = (name: string, dim: number): Dense => ({ w: v(`${name}.g`, tf.ones([dim])), b: v(`${name}.b`, tf.zeros([dim])) });
  const { hidden: h, heads, ffn, batch, seq } = cfg;
  const layers: Layer[] = Array.from({ length: cfg.layers }, (_, i) => ({
    query: dense(`${i}.query`, h, h),
    key: dense(`${i}.key`, h, h),
    value: dense(`${i}.value`, h, h),
    attnOut: dense(`${i}.attnOut`, h, h),
    attnNorm: norm(`${i}.attnNorm`, h),
    up: dense(`${i}.up`, h, ffn),
    down: dense(`${i}.down`, ffn, h),
    outNorm: norm(`${i}.outNorm`, h),
  }));
  const rows = batch * seq;
  const x = tf.randomNormal([rows, h]);
  const target = tf.randomNormal([rows, h]);

  const linear = (t: TfTensor, d: Dense) => tf.add(tf.matMul(t, d.w), d.b);
  const split = (t: TfTensor) => tf.transpose(tf.reshape(t, [batch, seq, heads, h / heads]), [0, 2, 1, 3]);
  const layer = (t: TfTensor, l: Layer): TfTensor => {
    const ctx = tfnn.attention(tf, split(linear(t, l.query)), split(linear(t, l.key)), split(linear(t, l.value)));
    const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [rows, h]);
    const h1 = tfnn.layerNorm(tf, tf.add(t, linear(merged, l.attnOut)), l.attnNorm.w, l.attnNorm.b, 1e-12);
    return tfnn.layerNorm(tf, tf.add(h1, linear(tfnn.gelu(tf, linear(h1, l.up)), l.down)), l.outNorm.w, l.outNorm.b, 1e-12);
  };
  const loss = () => tf.mean(tf.squaredDifference(layers.reduce(layer, x), target)) as ReturnType<Tf['scalar']>;
  const opt = optimise ? tf.train.adam(1e-4, 0.9, 0.999, 1e-6) : null;
  return {
    run: () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(loss, vars);
        opt?.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      }),
    dispose: () => {
      opt?.dispose();
      tf.dispose([...vars, x, target]);
    },
  };
}
