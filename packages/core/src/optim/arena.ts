import { runElementwise } from '../kernels/elementwise.js';
import type { BufferRange } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { ARENA_ALIGN } from './adamw-kernels.js';

/**
 * One GPU buffer holding many float32 tensors back to back, each starting
 * on an ARENA_ALIGN-element (256-byte) boundary — the binding-offset
 * alignment WebGPU guarantees — so each is still bindable on its own while
 * one kernel can sweep them all.
 */
export class Arena {
  readonly offsets: number[] = [];
  readonly total: number;
  readonly storage: Storage;

  constructor(
    readonly runtime: Runtime,
    sizes: readonly number[],
  ) {
    let at = 0;
    for (const n of sizes) {
      this.offsets.push(at);
      at += Math.ceil(Math.max(n, 1) / ARENA_ALIGN) * ARENA_ALIGN;
    }
    this.total = at;
    this.storage = Storage.allocate(runtime, this.total * 4);
    this.fill(0, this.total, 0);
  }

  range(offset = 0, length = this.total): BufferRange {
    return { buffer: this.storage.buffer, offset: this.storage.byteOffset + offset * 4, size: length * 4 };
  }

  /** Sets elements [offset, offset+length) to `value`. */
  fill(offset: number, length: number, value: number): void {
    if (length === 0) return;
    runElementwise(this.runtime, {
      name: 'fill',
      expr: 'p.s0',
      shape: [length],
      inputs: [],
      out: { range: this.range(offset, length), dtype: 'float32', offset: 0, strides: [1] },
      scalars: [{ type: 'f32', value }],
    });
  }

  /**
   * A Storage viewing slot `i`; it keeps the arena alive until released,
   * so a tensor moved into the arena outlives the optimiser that made it.
   */
  view(i: number, elements: number): Storage {
    this.storage.retain();
    return new Storage(this.runtime, this.storage.buffer, this.storage.byteOffset + this.offsets[i] * 4, elements * 4, () => this.storage.release());
  }

  /** Moves a float32 tensor's data into slot `i` and re-points the tensor at it. */
  adopt(i: number, t: Tensor): void {
    this.runtime.copy(t.binding(), this.range(this.offsets[i], t.size), t.byteLength);
    t.replaceStorage(this.view(i, t.size));
  }

  release(): void {
    this.storage.release();
  }
}
