/**
 * Recycles GPU storage buffers by size class so a training loop allocates
 * nothing after its first step. Sizes round up to one of four classes per
 * octave (at most ~19% slack) so buffers of nearby sizes can be shared.
 */
export const STORAGE_USAGE = 0x0080 /* STORAGE */ | 0x0004 /* COPY_SRC */ | 0x0008; /* COPY_DST */

export function sizeClass(bytes: number): number {
  const min = 256;
  if (bytes <= min) return min;
  const octave = 2 ** Math.floor(Math.log2(bytes));
  const step = octave / 4;
  return Math.ceil(bytes / step) * step;
}

export interface PoolStats {
  /** Buffers handed out and not yet released. */
  liveBuffers: number;
  /** Bytes of those buffers (their size class, which is what the GPU holds). */
  liveBytes: number;
  /** Released buffers kept for reuse. */
  pooledBuffers: number;
  pooledBytes: number;
}

/**
 * Free lists hand out their oldest buffer (lowest creation serial), not the
 * last one released: a training step frees its buffers in another order than
 * it took them, so last-released-first gave each step a different shuffle of
 * the same buffers. Oldest-first gives a step that starts with the same free
 * buffers the same buffer for each tensor as the step before, which is what
 * lets the runtime's bind groups be reused (runtime/bind-groups.ts).
 */
export class BufferPool {
  /** Per size class, sorted by serial, newest first: pop() takes the oldest. */
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly serials = new WeakMap<GPUBuffer, number>();
  /** Pooled buffers in the order they were released, oldest first (what the cap evicts first). */
  private readonly released = new Set<GPUBuffer>();
  private nextSerial = 0;
  private liveBuffers = 0;
  private liveBytes = 0;
  private pooledBuffers = 0;
  private pooledBytes = 0;
  private deferred: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    /** Pooled bytes above which released buffers are destroyed instead of kept. */
    public maxPooledBytes = 1 << 30,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let buffer = list?.pop();
    if (buffer) {
      this.released.delete(buffer);
      this.pooledBuffers--;
      this.pooledBytes -= size;
    } else {
      buffer = this.device.createBuffer({ size, usage: STORAGE_USAGE });
      this.serials.set(buffer, this.nextSerial++);
    }
    this.liveBuffers++;
    this.liveBytes += size;
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.liveBuffers--;
    this.liveBytes -= size;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    const serial = this.serials.get(buffer) ?? -1;
    let at = list.length;
    while (at > 0 && (this.serials.get(list[at - 1]) ?? -1) < serial) at--;
    list.splice(at, 0, buffer);
    this.released.add(buffer);
    this.pooledBuffers++;
    this.pooledBytes += size;
    // Over the cap, the buffers released longest ago go first: they belong to
    // work that has stopped (another model, an earlier phase), while the one
    // just released will likely be asked for again next step. (Dropping the
    // new one instead left a training loop after a bigger workload creating,
    // and Dawn zero-filling, fresh buffers every step.)
    for (const cold of this.released) {
      if (this.pooledBytes <= this.maxPooledBytes) break;
      this.evict(cold);
    }
  }

  /** Takes a pooled buffer out of its free list; destroyed after the next submit (recorded commands may still use it). */
  private evict(buffer: GPUBuffer): void {
    const list = this.free.get(buffer.size);
    const i = list ? list.indexOf(buffer) : -1;
    if (i >= 0) list!.splice(i, 1);
    this.released.delete(buffer);
    this.pooledBuffers--;
    this.pooledBytes -= buffer.size;
    this.deferred.push(buffer);
  }

  /** Destroys buffers released over the cap; the runtime calls it right after each submit. */
  destroyDeferred(): void {
    for (const b of this.deferred) b.destroy();
    this.deferred = [];
  }

  /** Destroys every pooled (not live) buffer. */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.released.clear();
    this.pooledBuffers = 0;
    this.pooledBytes = 0;
  }

  stats(): PoolStats {
    return {
      liveBuffers: this.liveBuffers,
      liveBytes: this.liveBytes,
      pooledBuffers: this.pooledBuffers,
      pooledBytes: this.pooledBytes,
    };
  }
}
