/**
 * The two host-side reuse policies a training loop's dispatch cost rests on,
 * without a GPU: the bind group cache (identity keys, LRU bound) and the
 * buffer pool's oldest-first free lists.
 */
import { describe, expect, test } from 'vitest';
import { BindGroupCache } from '../src/runtime/bind-groups.js';
import { BufferPool } from '../src/runtime/buffer-pool.js';

const group = (tag: string) => ({ tag }) as unknown as GPUBindGroup;

describe('BindGroupCache', () => {
  test('the same objects, offsets and sizes hit; another object, offset or size misses', () => {
    const cache = new BindGroupCache(8);
    const [a, b] = [{}, {}];
    let made = 0;
    const make = () => group(`g${made++}`);
    const g1 = cache.get(cache.key('k', [{ buffer: a, offset: 0, size: 16 }]), make);
    expect(cache.get(cache.key('k', [{ buffer: a, offset: 0, size: 16 }]), make)).toBe(g1);
    expect(cache.get(cache.key('k', [{ buffer: b, offset: 0, size: 16 }]), make)).not.toBe(g1);
    expect(cache.get(cache.key('k', [{ buffer: a, offset: 256, size: 16 }]), make)).not.toBe(g1);
    expect(cache.get(cache.key('k', [{ buffer: a, offset: 0, size: 32 }]), make)).not.toBe(g1);
    expect(cache.get(cache.key('other', [{ buffer: a, offset: 0, size: 16 }]), make)).not.toBe(g1);
    expect({ hits: cache.hits, misses: cache.misses, made }).toEqual({ hits: 1, misses: 5, made: 5 });
  });

  test('past its capacity it drops the least recently used entry', () => {
    const cache = new BindGroupCache(2);
    const [x, y, z] = [{}, {}, {}];
    const key = (o: object) => cache.key('k', [{ buffer: o, offset: 0, size: 4 }]);
    const gx = cache.get(key(x), () => group('x'));
    cache.get(key(y), () => group('y'));
    expect(cache.get(key(x), () => group('x2'))).toBe(gx); // x is now the most recent
    cache.get(key(z), () => group('z')); // evicts y
    expect(cache.size).toBe(2);
    expect(cache.get(key(x), () => group('x3'))).toBe(gx);
    expect((cache.get(key(y), () => group('y2')) as unknown as { tag: string }).tag).toBe('y2');
  });

  test('keys bound sizes in whole words, and texture views by identity', () => {
    const cache = new BindGroupCache(8);
    const [a, t1, t2] = [{}, {}, {}];
    // 13 bytes bind as 16: the same binding, so the same key.
    expect(cache.key('k', [{ buffer: a, offset: 0, size: 13 }])).toBe(cache.key('k', [{ buffer: a, offset: 0, size: 16 }]));
    expect(cache.key('k', [{ buffer: a, offset: 0, size: 16 }], [t1])).not.toBe(cache.key('k', [{ buffer: a, offset: 0, size: 16 }], [t2]));
    expect(cache.key('k', [{ buffer: a, offset: 0, size: 16 }], [t1])).toBe(cache.key('k', [{ buffer: a, offset: 0, size: 16 }], [t1]));
  });

  test('capacity 0 makes a bind group per call and keeps none', () => {
    const cache = new BindGroupCache(0);
    const o = {};
    const g1 = cache.get(cache.key('k', [{ buffer: o, offset: 0, size: 4 }]), () => group('1'));
    const g2 = cache.get(cache.key('k', [{ buffer: o, offset: 0, size: 4 }]), () => group('2'));
    expect(g1).not.toBe(g2);
    expect(cache.size).toBe(0);
  });
});

describe('BufferPool', () => {
  const fakeDevice = () => {
    let n = 0;
    return {
      createBuffer: ({ size }: { size: number }) => {
        const b = { size, id: n++, destroyed: false, destroy: () => void (b.destroyed = true) };
        return b;
      },
    } as unknown as GPUDevice;
  };
  const destroyed = (b: GPUBuffer) => (b as unknown as { destroyed: boolean }).destroyed;

  test('hands out the oldest free buffer of a size class, whatever order they were released in', () => {
    const pool = new BufferPool(fakeDevice());
    const [a, b, c] = [pool.acquire(1000), pool.acquire(1000), pool.acquire(1000)];
    for (const buf of [c, a, b]) pool.release(buf);
    expect([pool.acquire(1000), pool.acquire(1000), pool.acquire(1000)]).toEqual([a, b, c]);
    pool.release(b);
    pool.release(a);
    expect(pool.acquire(1000)).toBe(a);
    expect(pool.stats()).toEqual({ liveBuffers: 2, liveBytes: 2 * 1024, pooledBuffers: 1, pooledBytes: 1024 });
  });

  test('over its byte cap it drops the buffers released longest ago, not the one just released', () => {
    const pool = new BufferPool(fakeDevice(), 4096);
    const cold = pool.acquire(2048);
    pool.release(cold); // an earlier phase's buffer, never asked for again
    const [a, b] = [pool.acquire(1024), pool.acquire(1024)];
    pool.release(a);
    pool.release(b); // 4096 pooled: at the cap, nothing dropped
    expect(pool.stats().pooledBytes).toBe(4096);
    const c = pool.acquire(1024); // a (oldest)
    const d = pool.acquire(1024); // b
    const e = pool.acquire(1024); // new
    expect([c, d]).toEqual([a, b]);
    for (const x of [c, d, e]) pool.release(x); // 5120 would be pooled: the cold buffer goes
    expect(pool.stats()).toEqual({ liveBuffers: 0, liveBytes: 0, pooledBuffers: 3, pooledBytes: 3072 });
    pool.destroyDeferred();
    expect(destroyed(cold)).toBe(true);
    expect([a, b, e].some(destroyed)).toBe(false);
    expect([pool.acquire(1024), pool.acquire(1024), pool.acquire(1024)]).toEqual([a, b, e]);
  });
});
