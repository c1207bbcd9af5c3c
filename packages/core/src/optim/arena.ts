import { runElementwise } from '../kernels/elementwise.js';
import type { BufferRange } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { ARENA_ALIGN, NORM_CHUNK } from './adamw-kernels.js';

/** Arena chunks start at multiples of this many elements, so each chunk's gradient-norm partials start on a 256-byte binding offset. */
export const CHUNK_ALIGN = NORM_CHUNK * 64;

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

  /**
   * [start, length) pieces of [offset, offset+length) no larger than one
   * storage binding may be (128 MiB on lavapipe; BERT-base's arena is 438 MB),
   * each starting on a CHUNK_ALIGN boundary relative to `offset`.
   */
  chunks(offset = 0, length = this.total): [number, number][] {
    const maxElems = Math.floor(this.runtime.limits.maxStorageBufferBindingSize / 4 / CHUNK_ALIGN) * CHUNK_ALIGN;
    const out: [number, number][] = [];
    for (let at = 0; at < length; at += maxElems) out.push([offset + at, Math.min(maxElems, length - at)]);
    return out;
  }

  /** Sets elements [offset, offset+length) to `value`. */
  fill(offset: number, length: number, value: number): void {
    for (const [start, n] of this.chunks(offset, length)) {
      runElementwise(this.runtime, {
        name: 'fill',
        expr: 'p.s0',
        shape: [n],
        inputs: [],
        out: { range: this.range(start, n), dtype: 'float32', offset: 0, strides: [1] },
        scalars: [{ type: 'f32', value }],
      });
    }
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
