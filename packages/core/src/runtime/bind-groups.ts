import { setMostRecent } from './lru.js';

/**
 * Reuses bind groups across dispatches that bind the same buffer ranges and
 * textures to the same layout: creating one was the costliest host call of a
 * dispatch (16% of a small training step's CPU profile on lavapipe), and a step
 * re-runs the same kernels on the same pooled buffers (handed out oldest-first).
 * Params are bound apart (group 1, one per arena slot), so where they land does
 * not change the buffers' group; a dynamic params offset ran steps twice as slow.
 * Keys: object identity (a numeric id per buffer and texture view), offset and
 * size; least-recently-used dropped past `capacity`. An entry whose buffer was
 * destroyed is never hit again (a new buffer gets a new id) and ages out.
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
