/**
 * The engine's contracts: bad input fails before any GPU work with the
 * shapes in the message, disposed tensors can't be used, scopes free what
 * they should, autograd semantics (accumulation, noGrad, detach), and a
 * lost device surfaces as an error rather than a hang.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  DTypeError, DeviceError, DisposedError, Runtime, ShapeError, add, init, setDefaultRuntime, crossEntropy, layerNorm, matmul, memory, noGrad, scope, softmax, sum, tensor, zeros,
} from '@bamgpu/core';
import { initNode, nodeGPU } from '@bamgpu/core/node';

let rt: Runtime;
beforeAll(async () => {
  rt = await initNode();
});

/** Runs `fn` and checks that it threw `type` before recording any dispatch. */
function throwsBeforeGpuWork(fn: () => unknown, type: new (...a: never[]) => Error, message: RegExp): void {
  rt.flush();
  const before = rt.pipelineStats().count;
  const pooledBefore = memory().liveBuffers;
  expect(fn).toThrow(type);
  expect(fn).toThrow(message);
  expect(rt.pipelineStats().count).toBe(before);
  expect(memory().liveBuffers).toBe(pooledBefore);
}

describe('bad input', () => {
  test('shape errors name the op and both shapes', () => {
    scope(() => {
      const a = zeros([2, 3]);
      const b = zeros([4, 5]);
      const c = zeros([3, 2]);
      const four = zeros([4]);
      const three = zeros([3]);
      throwsBeforeGpuWork(() => matmul(a, b), ShapeError, /matmul: inner dims differ: \[2,3\] · \[4,5\] \(3 vs 4\)/);
      throwsBeforeGpuWork(() => add(a, c), ShapeError, /add: shapes \[2,3\] and \[3,2\] cannot be broadcast/);
      throwsBeforeGpuWork(() => layerNorm(a, four, four), ShapeError, /layerNorm: input \[2,3\] needs weight and bias of shape \[3\]/);
      throwsBeforeGpuWork(() => a.reshape([4, 2]), ShapeError, /cannot reshape \[2,3\] \(6 elements\) to \[4,2\]/);
      throwsBeforeGpuWork(() => crossEntropy(a, three), ShapeError, /crossEntropy: logits \[2,3\] need int32 class indices of shape \[2\] or float soft targets of shape \[2,3\]; got tensor \[3\] float32/);
      throwsBeforeGpuWork(() => a.sum(2), ShapeError, /axis 2 is out of range for a tensor of rank 2/);
    });
  });

  test('dtype errors say what to do', () => {
    scope(() => {
      const i = tensor(new Int32Array([1, 2, 3]));
      const f = tensor([1, 2, 3]);
      throwsBeforeGpuWork(() => add(i, f), DTypeError, /add: dtypes differ \(int32 \[3\] vs float32 \[3\]\); cast one first/);
      throwsBeforeGpuWork(() => i.exp(), DTypeError, /exp: expected float32 or float16, got tensor \[3\] int32/);
      throwsBeforeGpuWork(() => add(i, 0.5), DTypeError, /0.5 is not an integer, but the tensor is int32/);
      expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array at \[1\]/);
      expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2,2\]/);
      expect(() => tensor([1.5], undefined, { dtype: 'int32' })).toThrow(/1.5 at flat index 0 is not an int32/);
    });
  });

  test('a matmul scale that is not a finite float32 is refused before dispatch', () => {
    scope(() => {
      const a = zeros([2, 3]);
      const b = zeros([3, 2]);
      throwsBeforeGpuWork(() => matmul(a, b, { alpha: Number.NaN }), RangeError, /matmul: alpha must be a finite float32 number, got NaN/);
      throwsBeforeGpuWork(() => matmul(a, b, { alpha: 1e39 }), RangeError, /got 1e\+39/);
    });
  });

  test('embedding ids outside the table are refused before dispatch', () => {
    scope(() => {
      const w = zeros([5, 2]);
      const ids = tensor(new Int32Array([0, 5]));
      throwsBeforeGpuWork(() => w.indexSelect(0, ids), ShapeError, /index 5 is out of range for dim 0 of size 5/);
    });
  });

  test('a disposed tensor is an error, never garbage', async () => {
    const t = tensor([1, 2, 3]);
    t.name = 'weights';
    t.dispose();
    expect(() => t.add(1)).toThrow(DisposedError);
    expect(() => t.add(1)).toThrow(/tensor "weights" \[3\] float32 was used after dispose\(\)/);
    await expect(t.data()).rejects.toThrow(DisposedError);
    t.dispose(); // idempotent
  });

  test('tensors of two devices cannot be mixed', async () => {
    const gpu = nodeGPU();
    const adapter = await gpu.requestAdapter();
    const other = new Runtime(await adapter!.requestDevice());
    const a = tensor([1, 2]);
    const b = tensor([1, 2], undefined, { runtime: other });
    expect(() => add(a, b)).toThrow(DeviceError);
    expect(() => add(a, b)).toThrow(/different GPU devices/);
    a.dispose();
    b.dispose();
    other.destroy();
  });

  test('runtime options given to init reach the runtime (they were once dropped on the way)', async () => {
    const adapter = await nodeGPU().requestAdapter();
    let wrapped = 0;
    const own = await init({ device: await adapter!.requestDevice(), maxDispatchesPerSubmit: 7, sleepBeforeWaits: true, waitThrottle: { around: (wait) => (wrapped++, wait()) }, flags: 'rows=thread' });
    expect(own.maxDispatchesPerSubmit).toBe(7);
    expect(own.profile.rows).toBe('thread');
    const t = tensor([1, 2, 3], undefined, { runtime: own });
    await t.data();
    // The throttle wraps waits on CPU adapters only (GPUs keep the plain wait).
    expect(wrapped > 0).toBe(own.adapter.isCPU);
    t.dispose();
    own.destroy();
    setDefaultRuntime(rt);
  });

  test('waits sleep first only where the WebGPU implementation busy-polls (initNode) and the adapter is the CPU', async () => {
    // dawn.node polls; a Runtime made from a bare device (a browser's) does not sleep.
    expect(rt.sleepsBeforeWaits).toBe(rt.adapter.isCPU);
    const adapter = await nodeGPU().requestAdapter();
    const plain = new Runtime(await adapter!.requestDevice());
    expect(plain.sleepsBeforeWaits).toBe(false);
    plain.destroy();
  });
});

describe('device profile', () => {
  test('withProfile pins entries while its function runs, and restores them after a throw or a settled promise', async () => {
    const before = rt.profile;
    expect(rt.withProfile({ reduce: 'workgroup' }, () => rt.profile.reduce)).toBe('workgroup');
    expect(rt.profile).toBe(before);
    expect(() => rt.withProfile({ matmul: 'small' }, () => { throw new Error('inside'); })).toThrow('inside');
    expect(rt.profile).toBe(before);
    const pending = rt.withProfile({ wait: 'plain' }, async () => {
      expect(rt.sleepsBeforeWaits).toBe(false);
      await rt.sync();
      return rt.profile.wait;
    });
    await expect(pending).resolves.toBe('plain');
    expect(rt.profile).toBe(before);
    expect(rt.sleepsBeforeWaits).toBe(rt.adapter.isCPU);
    expect(() => rt.withProfile({ rows: 'warp' } as never, () => 0)).toThrow(/'rows' takes auto \| thread \| subgroup \| workgroup, got 'warp'/);
  });

  test('a Runtime made with a bad flag refuses, naming it', async () => {
    const adapter = await nodeGPU().requestAdapter();
    const device = await adapter!.requestDevice();
    expect(() => new Runtime(device, { flags: 'atention=fused' })).toThrow(/RuntimeOptions.flags: unknown device-profile entry 'atention'/);
    device.destroy();
  });
});

describe('device loss', () => {
  test('a destroyed device makes the next op throw instead of hanging', async () => {
    const gpu = nodeGPU();
    const adapter = await gpu.requestAdapter();
    const lost = new Runtime(await adapter!.requestDevice());
    const t = tensor([1, 2, 3], undefined, { runtime: lost });
    lost.device.destroy();
    await lost.device.lost;
    expect(() => t.add(1)).toThrow(/GPU device lost/);
    await expect(t.data()).rejects.toThrow(DeviceError);
  });
});

describe('memory scopes', () => {
  test('scope frees intermediates and keeps what it returns', () => {
    const before = memory();
    const kept = scope(() => {
      const a = tensor([1, 2, 3]);
      const b = a.mul(2).add(1);
      return { b, list: [b.exp()] };
    });
    const after = memory();
    expect(after.liveTensors - before.liveTensors).toBe(2);
    kept.b.dispose();
    kept.list[0].dispose();
    expect(memory().liveTensors).toBe(before.liveTensors);
    expect(memory().liveBuffers).toBe(before.liveBuffers);
  });

  test('nested scopes pass results outward', () => {
    const before = memory().liveTensors;
    const outer = scope(() => {
      const inner = scope(() => tensor([1]).add(1));
      tensor([5]); // dropped by the outer scope
      return inner;
    });
    expect(memory().liveTensors).toBe(before + 1);
    outer.dispose();
  });
});

describe('autograd', () => {
  test('gradients accumulate across backward calls; noGrad records nothing; detach cuts the tape', async () => {
    await scope(async () => {
      const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
      x.mul(x).sum().backward(); // d/dx = 2x
      x.mul(3).sum().backward(); // + 3
      expect(Array.from(await x.grad!.data())).toEqual([5, 7, 9]);
      const y = noGrad(() => x.mul(2));
      expect(y.requiresGrad).toBe(false);
      expect(y.node).toBeNull();
      const z = x.detach().mul(x).sum(); // only the second factor is on the tape
      x.grad!.dispose();
      x.grad = null;
      z.backward();
      expect(Array.from(await x.grad!.data())).toEqual([1, 2, 3]);
      x.dispose();
    });
  });

  test('backward twice through the same graph is refused with an explanation', () => {
    scope(() => {
      const x = tensor([1, 2], undefined, { requiresGrad: true });
      const e = x.exp();
      const l = e.sum();
      l.backward();
      expect(() => e.sum().backward()).toThrow(/a second time/);
      x.dispose();
    });
  });

  test('max shares its gradient equally among tied maxima', async () => {
    await scope(async () => {
      const x = tensor([[1, 3, 3, 2]], undefined, { requiresGrad: true });
      x.max(1).sum().backward();
      expect(Array.from(await x.grad!.data())).toEqual([0, 0.5, 0.5, 0]);
      x.dispose();
    });
  });

  test('the gradient of the pad row of an embedding is zero', async () => {
    await scope(async () => {
      const w = tensor([[1, 1], [2, 2], [3, 3]], undefined, { requiresGrad: true });
      const ids = tensor(new Int32Array([0, 2, 0, 1]));
      const { embedding } = await import('@bamgpu/core');
      embedding(w, ids, { paddingIdx: 0 }).sum().backward();
      expect(Array.from(await w.grad!.data())).toEqual([0, 0, 1, 1, 1, 1]);
      w.dispose();
    });
  });
});

describe('elementwise layouts', () => {
  // The op suite checks values on both layouts; this pins which layout each shape gets,
  // so a change in the vec4 rule cannot silently leave one of them untested.
  test('on CPU adapters rows whose last dim is a multiple of 4 run as vec4, others one element per lane', async () => {
    const keysOf = (name: string) => rt.pipelineKeys().filter((k) => k.startsWith(`ew|${name}|`));
    const x = tensor(Array.from({ length: 24 }, (_, i) => i), [3, 8]);
    const row = tensor([1, 2, 3, 4, 5, 6, 7, 8]);
    const col = tensor([10, 20, 30], [3, 1]);
    const y = scope(() => add(x, row).add(col).sub(tensor([1, 2, 3, 4, 5, 6], [3, 2]).sum(1, { keepdim: true })));
    expect(Array.from(await y.data()).slice(0, 4)).toEqual([11 - 3, 13 - 3, 15 - 3, 17 - 3]);
    // vec4 is the CPU adapters' layout (GPUs measured slower with it).
    if (rt.adapter.isCPU) {
      expect(keysOf('add').some((k) => k.includes('float32dv,float32sv,float32dv'))).toBe(true); // row read as vec4
      expect(keysOf('add').some((k) => k.includes('float32dv,float32s1,float32dv'))).toBe(true); // column splat
    }
    const odd = add(tensor([1, 2, 3], [3]), tensor([1, 1, 1], [3]));
    expect(Array.from(await odd.data())).toEqual([2, 3, 4]);
    expect(keysOf('add').some((k) => /\|r1\|float32d,float32d,float32d\|/.test(k))).toBe(true);
    for (const t of [x, row, col, y, odd]) t.dispose();
  });
});

describe('reduction layouts', () => {
  test('column sums of rows divisible by 4 take the vec4 thread kernel on CPU adapters', async () => {
    const x = tensor(Array.from({ length: 24 }, (_, i) => i), [3, 8]);
    const s = sum(x, [0]);
    expect(Array.from(await s.data())).toEqual([24, 27, 30, 33, 36, 39, 42, 45]);
    if (rt.adapter.isCPU) expect(rt.pipelineKeys().some((k) => k.startsWith('reduce|sum|thread|') && k.endsWith('|v4'))).toBe(true);
    x.dispose();
    s.dispose();
  });
});

describe('row kernel layouts', () => {
  test('on CPU adapters with subgroups, short f32 rows stay in registers and long ones stream', async () => {
    const short = scope(() => softmax(tensor(Array.from({ length: 24 }, (_, i) => i / 10), [2, 12]), -1));
    const long = scope(() => softmax(tensor(Array.from({ length: 2080 }, (_, i) => (i % 17) / 10), [2, 1040]), -1));
    const sums = [...(await short.data())].reduce((a, b) => a + b, 0);
    expect(sums).toBeCloseTo(2, 5);
    if (rt.adapter.isCPU && rt.device.features.has('subgroups' as GPUFeatureName)) {
      const keys = rt.pipelineKeys().filter((k) => k.startsWith('rows|softmax|subgroup|'));
      expect(keys.some((k) => /\|l\d+v4c1$/.test(k))).toBe(true);
      expect(keys.some((k) => /\|l\d+v4$/.test(k))).toBe(true);
    }
    short.dispose();
    long.dispose();
  });
});

describe('matmul staging layouts', () => {
  test('a transposed f32 operand with M divisible by 4 is staged into its texture by 4×4 blocks', async () => {
    const a = tensor(Array.from({ length: 80 }, (_, i) => (i % 7) - 3), [10, 8]);
    const b = tensor(Array.from({ length: 60 }, (_, i) => (i % 5) - 2), [10, 6]);
    const y = rt.withProfile({ matmul: 'texture' }, () => matmul(a, b, { transA: true }));
    const want = Array.from({ length: 48 }, (_, idx) => {
      const [m, n] = [Math.floor(idx / 6), idx % 6];
      let acc = 0;
      for (let k = 0; k < 10; k++) acc += ((k * 8 + m) % 7 - 3) * ((k * 6 + n) % 5 - 2);
      return acc;
    });
    expect(Array.from(await y.data())).toEqual(want);
    if (rt.adapter.isCPU && rt.device.features.has('subgroups' as GPUFeatureName)) {
      expect(rt.pipelineKeys()).toContain('matmul-texture-pad|float32|transpose4');
    }
    for (const t of [a, b, y]) t.dispose();
  });

  test('the scale travels in params: a second alpha reuses the first one\'s pipelines and still scales', async () => {
    const a = tensor([[1, 2], [3, 4]]);
    const half = matmul(a, a, { alpha: 0.5 });
    expect(Array.from(await half.data())).toEqual([3.5, 5, 7.5, 11]);
    const before = rt.pipelineStats().count;
    const quarter = matmul(a, a, { alpha: 0.25 });
    expect(Array.from(await quarter.data())).toEqual([1.75, 2.5, 3.75, 5.5]);
    expect(rt.pipelineStats().count).toBe(before);
    for (const t of [a, half, quarter]) t.dispose();
  });
});

describe('GPU profile', () => {
  test('timeGPU per kernel lists each kernel key with its dispatch count, summing to the total', async () => {
    const a = tensor(Array.from({ length: 64 }, (_, i) => i / 64), [8, 8]);
    const r = await rt.timeGPU(
      () => {
        for (let i = 0; i < 3; i++) add(a, a).dispose();
        matmul(a, a).dispose();
      },
      { perKernel: true },
    );
    a.dispose();
    if (!rt.hasTimestamps) {
      expect(r.gpuMs).toBeNull();
      return;
    }
    const kernels = r.kernels ?? [];
    const adds = kernels.find((k) => k.key.startsWith('ew|add|'));
    expect(adds?.dispatches).toBe(3);
    expect(kernels.some((k) => k.key.startsWith('matmul'))).toBe(true);
    const sum = kernels.reduce((s, k) => s + k.ms, 0);
    expect(sum).toBeCloseTo(r.gpuMs ?? NaN, 6);
    for (let i = 1; i < kernels.length; i++) expect(kernels[i - 1].ms).toBeGreaterThanOrEqual(kernels[i].ms);
  });
});

describe('kernel caches', () => {
  test('the texture matmul scratch textures show in memory() and rt.trim() frees them', async () => {
    const a = tensor(Array.from({ length: 64 }, (_, i) => i / 64), [8, 8]);
    const y = rt.withProfile(rt.adapter.isCPU && rt.device.features.has('subgroups' as GPUFeatureName) ? { matmul: 'texture' } : {}, () => matmul(a, a));
    await y.data();
    if (rt.adapter.isCPU && rt.device.features.has('subgroups' as GPUFeatureName)) expect(memory().cacheBytes).toBeGreaterThan(0);
    rt.trim();
    expect(memory().cacheBytes).toBe(0);
    // Usable again after the trim: the textures come back on demand.
    const z = matmul(a, a);
    expect(Array.from(await z.data())).toEqual(Array.from(await y.data()));
    for (const t of [a, y, z]) t.dispose();
  });
});
