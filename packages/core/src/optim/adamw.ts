import { DTypeError } from '../errors.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import { runAdamWStep, runNormAndClip, runSumSquaresPartials, NORM_CHUNK } from './adamw-kernels.js';
import { Arena } from './arena.js';

export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  /** BERT uses 1e-6. */
  eps?: number;
  weightDecay?: number;
  /** BERT's original optimiser has none; PyTorch's AdamW has it. Default true. */
  biasCorrection?: boolean;
  /**
   * Parameters (by name) that get no weight decay: the model's rule, so the
   * caller's (BERT: BERT_NO_DECAY from @bamgpu/bert; none: `() => false`).
   */
  noDecay: (name: string) => boolean;
  /** Per-parameter learning-rate multiplier (layer-wise decay), default 1. */
  lrMultiplier?: (name: string) => number;
  /** Clip gradients to this global L2 norm before the update (0 / undefined: no clipping). */
  maxGradNorm?: number;
}

export interface AdamWState {
  /** Per-parameter update counts. */
  steps: Record<string, number>;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

/**
 * AdamW as BERT trains with it, fused: parameters move into one arena, and
 * each step is a handful of dispatches whatever the parameter count — copy
 * gradients in, a two-pass global norm that leaves its clip factor on the GPU
 * (no readback), and one kernel that updates every parameter, m and v.
 */
export class AdamW {
  readonly names: string[];
  readonly params: Tensor[];
  private readonly rt: Runtime;
  private readonly weights: Arena;
  private readonly grads: Arena;
  private readonly m: Arena;
  private readonly v: Arena;
  private readonly blocks: Storage;
  private readonly table: Storage;
  private readonly partials: Storage;
  /** [global grad norm, clip factor] of the last step, on the GPU. */
  private readonly normOut: Storage;
  private readonly gradDirty: boolean[];
  private readonly steps: number[];
  private readonly lrMult: number[];
  private readonly decay: number[];
  readonly options: Required<Omit<AdamWOptions, 'noDecay' | 'lrMultiplier'>>;

  constructor(params: Iterable<[string, Tensor]>, options: AdamWOptions) {
    const list = [...params];
    if (list.length === 0) throw new Error('AdamW: no parameters given');
    if (typeof options.noDecay !== 'function') {
      throw new TypeError("AdamW: options.noDecay is required: which parameters get no weight decay (BERT's: BERT_NO_DECAY from @bamgpu/bert; none: () => false)");
    }
    this.names = list.map(([n]) => n);
    this.params = list.map(([, p]) => p);
    for (const [name, p] of list) {
      if (p.dtype !== 'float32') throw new DTypeError(`AdamW: parameter "${name}" is ${p.dtype}; only float32 parameters are supported`);
    }
    this.rt = this.params[0].runtime;
    this.options = {
      lr: options.lr,
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      eps: options.eps ?? 1e-6,
      weightDecay: options.weightDecay ?? 0.01,
      biasCorrection: options.biasCorrection ?? true,
      maxGradNorm: options.maxGradNorm ?? 0,
    };
    const noDecay = options.noDecay;
    this.lrMult = this.names.map((n) => options.lrMultiplier?.(n) ?? 1);
    this.decay = this.names.map((n) => (noDecay(n) ? 0 : this.options.weightDecay));
    const sizes = this.params.map((p) => p.size);
    this.weights = new Arena(this.rt, sizes);
    this.params.forEach((p, i) => this.weights.adopt(i, p));
    this.grads = new Arena(this.rt, sizes);
    this.m = new Arena(this.rt, sizes);
    this.v = new Arena(this.rt, sizes);
    const total = this.weights.total;
    const blockIds = new Uint32Array(total / 64);
    this.weights.offsets.forEach((off, i) => {
      const end = i + 1 < sizes.length ? this.weights.offsets[i + 1] : total;
      blockIds.fill(i, off / 64, end / 64);
    });
    this.blocks = Storage.allocate(this.rt, blockIds.byteLength);
    this.rt.upload({ buffer: this.blocks.buffer, offset: 0, size: blockIds.byteLength }, blockIds);
    this.table = Storage.allocate(this.rt, this.params.length * 32);
    this.partials = Storage.allocate(this.rt, Math.ceil(total / NORM_CHUNK) * 4);
    this.normOut = Storage.allocate(this.rt, 8);
    this.gradDirty = this.params.map(() => false);
    this.steps = this.params.map(() => 0);
  }

  /** Number of updates applied so far (max over parameters). */
  get stepCount(): number {
    return Math.max(...this.steps);
  }

  /**
   * Applies one update with learning rate `lr` (default: options.lr) to every
   * parameter that has a gradient. Gradients are left in place; call zeroGrad().
   */
  step(lr = this.options.lr): void {
    const rt = this.rt;
    const o = this.options;
    const table = new Float32Array(this.params.length * 8);
    this.params.forEach((p, i) => {
      const off = this.grads.offsets[i];
      const has = p.grad !== null && !p.grad.isDisposed;
      if (has) {
        const g = p.grad!;
        rt.copy(g.binding(), this.grads.range(off, p.size), g.byteLength);
        this.gradDirty[i] = true;
        this.steps[i]++;
      } else if (this.gradDirty[i]) {
        // Stale gradient from an earlier step would count in the norm.
        this.grads.fill(off, p.size, 0);
        this.gradDirty[i] = false;
      }
      const t = this.steps[i];
      table.set([this.lrMult[i], this.decay[i], has ? 1 : 0, 0], i * 8);
      table.set([o.biasCorrection ? 1 / (1 - o.beta1 ** t) : 1, o.biasCorrection ? 1 / (1 - o.beta2 ** t) : 1, 0, 0], i * 8 + 4);
    });
    rt.upload({ buffer: this.table.buffer, offset: 0, size: table.byteLength }, table);
    const total = this.weights.total;
    const partials = (offset: number, size: number) => ({ buffer: this.partials.buffer, offset, size });
    // Arenas larger than one binding allows are swept in chunks.
    const chunks = this.grads.chunks();
    for (const [start, n] of chunks) {
      runSumSquaresPartials(rt, this.grads.range(start, n), partials((start / NORM_CHUNK) * 4, Math.ceil(n / NORM_CHUNK) * 4), n);
    }
    const parts = Math.ceil(total / NORM_CHUNK);
    runNormAndClip(rt, partials(0, this.partials.byteLength), { buffer: this.normOut.buffer, offset: 0, size: 8 }, parts, o.maxGradNorm);
    for (const [start, n] of chunks) {
      runAdamWStep(rt, {
        param: this.weights.range(start, n),
        grad: this.grads.range(start, n),
        m: this.m.range(start, n),
        v: this.v.range(start, n),
        blocks: { buffer: this.blocks.buffer, offset: 0, size: this.blocks.byteLength },
        table: { buffer: this.table.buffer, offset: 0, size: this.table.byteLength },
        clip: { buffer: this.normOut.buffer, offset: 0, size: 8 },
        n,
        base: start,
        lr,
        beta1: o.beta1,
        beta2: o.beta2,
        eps: o.eps,
      });
    }
  }

  /** Disposes every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Global L2 norm of the gradients used by the last step (before clipping). Reads the GPU. */
  async lastGradNorm(): Promise<number> {
    const bytes = await this.rt.read({ buffer: this.normOut.buffer, offset: 0, size: 8 }, 8);
    return new Float32Array(bytes)[0];
  }

  /** m, v and step counts by parameter name (for checkpoints). */
  async stateDict(): Promise<AdamWState> {
    const m = new Map<string, Float32Array>();
    const v = new Map<string, Float32Array>();
    for (let i = 0; i < this.params.length; i++) {
      const n = this.params[i].size;
      const off = this.m.offsets[i];
      m.set(this.names[i], new Float32Array(await this.rt.read(this.m.range(off, n), n * 4)));
      v.set(this.names[i], new Float32Array(await this.rt.read(this.v.range(off, n), n * 4)));
    }
    return { steps: Object.fromEntries(this.names.map((n, i) => [n, this.steps[i]])), m, v };
  }

  loadStateDict(state: AdamWState): void {
    this.names.forEach((name, i) => {
      const n = this.params[i].size;
      const mi = state.m.get(name);
      const vi = state.v.get(name);
      if (!mi || !vi || mi.length !== n || vi.length !== n) throw new Error(`AdamW.loadStateDict: state for "${name}" is missing or has the wrong size`);
      this.rt.upload(this.m.range(this.m.offsets[i], n), mi);
      this.rt.upload(this.v.range(this.v.offsets[i], n), vi);
      this.steps[i] = state.steps[name] ?? 0;
    });
  }

  /** Frees optimiser state. Parameters stay valid (they keep the weight arena alive). */
  dispose(): void {
    this.grads.release();
    this.m.release();
    this.v.release();
    this.weights.release();
    this.blocks.release();
    this.table.release();
    this.partials.release();
    this.normOut.release();
  }
}
