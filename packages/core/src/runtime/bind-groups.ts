import { setMostRecent } from './lru.js';

/**
 * Reuses bind groups across dispatches that bind the same buffer ranges and
 * textures to the same layout.
 *
 * Why: creating a bind group is the most expensive host-side call of a
 * dispatch: in a CPU profile of small training steps on lavapipe it was
 * 16% of all samples, against 4% for the rest of Runtime.dispatch. A
 * training step re-runs the same kernels on the same pooled buffers (the
 * pool hands them out oldest-first, so a step gets the buffers the step
 * before got), so after the first steps every bind group is found here and
 * that 16% goes. A kernel's params are bound apart, in bind group 1 (one
 * per slot of the params arena), so where its params land in the arena does
 * not change its buffers' bind group. (A dynamic offset for the params
 * binding would also have done that, but steps ran twice as slow with it on
 * lavapipe.)
 *
 * Entries are keyed by object identity (a numeric id per buffer and texture
 * view), offset and size, and dropped least-recently-used past `capacity`.
 * An entry whose buffer was destroyed is never hit again (a new buffer gets
 * a new id) and ages out.
 */
/** Bytes a storage binding covers: whole words (the kernels index in 4-byte elements), at least one. */
export function boundSize(size: number): number {
  return Math.max(4, Math.ceil(size / 4) * 4);
}

export class BindGroupCache {
  private readonly entries = new Map<string, GPUBindGroup>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  private idOf(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return id;
  }

  /**
   * Key of a bind group: the layout's name plus each buffer's identity,
   * offset and bound size, then each texture view's identity. Built without
   * intermediate arrays: it runs on every dispatch.
   */
  key(layoutKey: string, buffers: readonly { buffer: object; offset: number; size: number }[], textures: readonly object[] = []): string {
    let k = layoutKey;
    for (const b of buffers) k += `|${this.idOf(b.buffer)}:${b.offset}:${boundSize(b.size)}`;
    for (const t of textures) k += `|t${this.idOf(t)}`;
    return k;
  }

  get(key: string, create: () => GPUBindGroup): GPUBindGroup {
    const found = this.entries.get(key);
    if (found) this.hits++;
    else this.misses++;
    const bg = found ?? create();
    setMostRecent(this.entries, key, bg, this.capacity);
    return bg;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
