/**
 * A post-LN transformer encoder (BERT's layer without dropout) built from
 * @bamgpu/core's public nn and ops — kept here rather than taken from
 * @bamgpu/bert so the TF.js twin in ../tfjs/encoder.ts can mirror it op for op.
 */
import {
  AdamW, LayerNorm, Linear, Module, attention, backward, add, gelu, mseLoss, permute, randn, reshape, scope, type Tensor,
} from '@bamgpu/core';
import { BERT_NO_DECAY } from '@bamgpu/bert';
import type { Instance } from '../types.js';

export interface EncoderConfig {
  hidden: number;
  heads: number;
  ffn: number;
  seq: number;
  batch: number;
  layers: number;
}

/** BERT-small-ish: the training-step rows' shape. */
export const ENCODER: Omit<EncoderConfig, 'layers'> = { hidden: 256, heads: 4, ffn: 1024, seq: 128, batch: 8 };

const INIT = { initStd: 0.02 };

class EncoderLayer extends Module {
  query: Linear;
  key: Linear;
  value: Linear;
  attnOut: Linear;
  attnNorm: LayerNorm;
  up: Linear;
  down: Linear;
  outNorm: LayerNorm;

  constructor(private readonly cfg: EncoderConfig) {
    super();
    const { hidden: h, ffn } = cfg;
    this.query = new Linear(h, h, INIT);
    this.key = new Linear(h, h, INIT);
    this.value = new Linear(h, h, INIT);
    this.attnOut = new Linear(h, h, INIT);
    this.attnNorm = new LayerNorm(h, 1e-12);
    this.up = new Linear(h, ffn, INIT);
    this.down = new Linear(ffn, h, INIT);
    this.outNorm = new LayerNorm(h, 1e-12);
  }

  /** [B·T, hidden] → [B, heads, T, hidden/heads]. */
  private split(x: Tensor): Tensor {
    const { batch, seq, heads, hidden } = this.cfg;
    return permute(reshape(x, [batch, seq, heads, hidden / heads]), [0, 2, 1, 3]);
  }

  forward(x: Tensor): Tensor {
    const { batch, seq, hidden } = this.cfg;
    const ctx = attention(this.split(this.query.forward(x)), this.split(this.key.forward(x)), this.split(this.value.forward(x)));
    const merged = reshape(permute(ctx, [0, 2, 1, 3]), [batch * seq, hidden]);
    const h1 = this.attnNorm.forward(add(x, this.attnOut.forward(merged)));
    return this.outNorm.forward(add(h1, this.down.forward(gelu(this.up.forward(h1)))));
  }
}

export class Encoder extends Module {
  layers: EncoderLayer[];

  constructor(cfg: EncoderConfig) {
    super();
    this.layers = Array.from({ length: cfg.layers }, () => new EncoderLayer(cfg));
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }
}

/**
 * One training step: forward, MSE against a fixed target, backward, and with
 * `optimise` an AdamW update. Intermediates die in the scope; parameter
 * gradients are cleared after every step so no step accumulates into the last.
 */
export function oursEncoderStep(cfg: EncoderConfig, optimise: boolean): Instance {
  const model = new Encoder(cfg);
  const rows = cfg.batch * cfg.seq;
  const x = randn([rows, cfg.hidden]);
  const target = randn([rows, cfg.hidden]);
  const opt = optimise ? new AdamW(model.namedParameters(), { lr: 1e-4, weightDecay: 0.01, noDecay: BERT_NO_DECAY }) : null;
  return {
    run: () => {
      scope(() => backward(mseLoss(model.forward(x), target)));
      opt?.step();
      model.zeroGrad();
    },
    dispose: () => {
      opt?.dispose();
      model.dispose();
      x.dispose();
      target.dispose();
    },
  };
}
