import type { Runtime } from '../runtime/runtime.js';

/**
 * A reference-counted range of a GPU buffer. Tensors that share data
 * (reshape views, tensors saved for backward, detach) share one Storage; the
 * buffer returns to the pool when the last reference goes.
 */
export class Storage {
  private refs = 1;

  constructor(
    readonly runtime: Runtime,
    readonly buffer: GPUBuffer,
    readonly byteOffset: number,
    readonly byteLength: number,
    /** Called once when the last reference is released (returns the buffer to its owner). */
    private readonly onFree: ((s: Storage) => void) | null,
  ) {}

  static allocate(runtime: Runtime, byteLength: number): Storage {
    const buffer = runtime.pool.acquire(Math.max(4, byteLength));
    return new Storage(runtime, buffer, 0, byteLength, (s) => runtime.pool.release(s.buffer));
  }

  get alive(): boolean {
    return this.refs > 0;
  }

  retain(): this {
    if (this.refs <= 0) throw new Error('retain() on freed storage');
    this.refs++;
    return this;
  }

  release(): void {
    if (this.refs <= 0) return;
    if (--this.refs === 0) this.onFree?.(this);
  }
}
