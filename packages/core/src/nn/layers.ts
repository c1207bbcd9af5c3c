import { ShapeError, fmtShape } from '../errors.js';
import { rand, zeros, ones, randn } from '../ops/creation.js';
import { embedding } from '../ops/gather.js';
import { matmul } from '../ops/matmul.js';
import { dropout, layerNorm } from '../ops/nn.js';
import type { Generator } from '../random/generator.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, parameter } from './module.js';

export interface LayerOptions {
  runtime?: Runtime;
  generator?: Generator;
}

/**
 * y = x·Wᵀ + b with W stored [out, in] as PyTorch stores it (the matmul
 * reads it transposed in place). Default init as PyTorch's: U(±1/√in).
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    /**
     * Default: PyTorch's U(±1/√in) weights and bias. `initStd`: N(0, std)
     * weights, zero bias (BERT). `initBound`: U(±bound) weights, zero bias
     * (Glorot-uniform with bound √(6/(in+out)), as Keras/tf.layers.dense).
     */
    options: LayerOptions & { bias?: boolean; initStd?: number; initBound?: number } = {},
  ) {
    super();
    const bound = options.initBound ?? 1 / Math.sqrt(inFeatures);
    const zeroBias = options.initStd !== undefined || options.initBound !== undefined;
    const common = { runtime: options.runtime, generator: options.generator };
    this.weight = parameter(
      options.initStd !== undefined
        ? randn([outFeatures, inFeatures], { ...common, std: options.initStd })
        : rand([outFeatures, inFeatures], { ...common, low: -bound, high: bound }),
    );
    this.bias =
      options.bias === false
        ? null
        : parameter(zeroBias ? zeros([outFeatures], common) : rand([outFeatures], { ...common, low: -bound, high: bound }));
  }

  forward(x: Tensor): Tensor {
    if (x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError(`Linear(${this.inFeatures}→${this.outFeatures}): input ${fmtShape(x.shape)} has last dim ${x.shape[x.rank - 1]}`);
    }
    const x2 = x.rank === 2 ? x : x.reshape([-1, this.inFeatures]);
    // The bias rides in the matmul's epilogue: one kernel, no extra pass over the output.
    const withBias = matmul(x2, this.weight, { transB: true, bias: this.bias ?? undefined });
    if (x2 !== x) x2.dispose();
    if (x.rank === 2) return withBias;
    const out = withBias.reshape([...x.shape.slice(0, -1), this.outFeatures]);
    withBias.dispose();
    return out;
  }
}

/** A lookup table [num, dim]; rows for int32 ids of any shape. */
export class Embedding extends Module {
  weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: LayerOptions & { initStd?: number; paddingIdx?: number } = {},
  ) {
    super();
    this.weight = parameter(randn([numEmbeddings, embeddingDim], { runtime: options.runtime, generator: options.generator, std: options.initStd ?? 1 }));
    this.paddingIdx = options.paddingIdx;
  }

  /** Row whose gradient is always zero (Hugging Face BERT's pad token). */
  readonly paddingIdx: number | undefined;

  forward(ids: Tensor): Tensor {
    return embedding(this.weight, ids, { paddingIdx: this.paddingIdx });
  }
}

/** Layer norm over the last dim with learned scale and shift. */
export class LayerNorm extends Module {
  weight: Tensor;
  bias: Tensor;

  constructor(
    readonly dim: number,
    readonly eps = 1e-5,
    options: LayerOptions = {},
  ) {
    super();
    this.weight = parameter(ones([dim], { runtime: options.runtime }));
    this.bias = parameter(zeros([dim], { runtime: options.runtime }));
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}

/** Dropout that is active only while the module is in training mode. */
export class Dropout extends Module {
  constructor(
    readonly p: number,
    readonly generator?: Generator,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, generator: this.generator });
  }
}
