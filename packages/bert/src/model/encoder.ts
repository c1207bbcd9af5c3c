import { Module, type Tensor } from '@bamgpu/core';
import type { BertConfig } from '../config.js';
import { BertLayer } from './layer.js';
import type { BertBuildOptions } from './options.js';

/** num_hidden_layers BertLayers in sequence (parameters `encoder.layer.<i>.…`). */
export class BertEncoder extends Module {
  layer: BertLayer[];

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.layer = Array.from({ length: config.numHiddenLayers }, () => new BertLayer(config, options));
  }

  forward(hidden: Tensor, keyMask: Tensor | null): Tensor {
    let h = hidden;
    for (const layer of this.layer) h = layer.forward(h, keyMask);
    return h;
  }
}
