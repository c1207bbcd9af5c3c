/**
 * The fused attention kernels against the composed path (which ops.test.ts
 * checks against float64 references and finite differences): forward and
 * every gradient, with and without a key mask, with dropout (the same
 * generator state must give the same mask), rows whose every key is padded,
 * and head dims up to 128.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { Generator, attention, getDefaultRuntime, scope, tensor, type AttentionVariant, type ProfileFlags, type Tensor } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { expectClose, seeded } from './helpers/check.js';

beforeAll(async () => {
  await initNode();
});

const TOL = 1e-4;

interface Setup {
  b: number;
  h: number;
  tq: number;
  tk: number;
  d: number;
  /** Keys padded at the end of each batch row's key sequence (all of them = a fully masked row). */
  pad?: number[];
  dropout?: number;
  dtype?: 'float32' | 'float16';
}

/** Output and gradients of q, k, v for one implementation (pinned in the profile), from the same seeded inputs. */
async function run(su: Setup, pin: ProfileFlags): Promise<Float32Array[]> {
  const rnd = seeded(su.b * 1000 + su.tq * 10 + su.d);
  const data = (n: number) => Float32Array.from({ length: n }, () => rnd() * 2 - 1);
  const dtype = su.dtype ?? 'float32';
  return getDefaultRuntime().withProfile(pin, () => scope(async () => {
    const leaves = [
      tensor(data(su.b * su.h * su.tq * su.d), [su.b, su.h, su.tq, su.d], { dtype, requiresGrad: true }),
      tensor(data(su.b * su.h * su.tk * su.d), [su.b, su.h, su.tk, su.d], { dtype, requiresGrad: true }),
      tensor(data(su.b * su.h * su.tk * su.d), [su.b, su.h, su.tk, su.d], { dtype, requiresGrad: true }),
    ];
    const g = tensor(data(su.b * su.h * su.tq * su.d), [su.b, su.h, su.tq, su.d], { dtype });
    const keyMask = su.pad
      ? tensor(Int32Array.from({ length: su.b * su.tk }, (_, i) => (i % su.tk < su.tk - su.pad![Math.floor(i / su.tk)] ? 1 : 0)), [su.b, su.tk], { dtype: 'int32' })
      : undefined;
    const out = attention(leaves[0], leaves[1], leaves[2], {
      keyMask,
      ...(su.dropout ? { dropout: su.dropout, generator: new Generator(321) } : {}),
    });
    out.backward(g);
    const read = async (t: Tensor | null) => {
      if (!t) throw new Error('missing gradient');
      return Float32Array.from(await t.cast('float32').data());
    };
    return [await read(out), ...(await Promise.all(leaves.map((l) => read(l.grad))))];
  }));
}

async function expectSame(su: Setup, variant: AttentionVariant, tol = TOL): Promise<void> {
  const want = await run(su, { attention: 'composed' });
  const got = await run(su, { attention: 'fused', attentionKernel: variant });
  ['out', 'dq', 'dk', 'dv'].forEach((name, i) => {
    expectClose(got[i], want[i], tol, `${variant} ${name}`, tol * Math.max(...want[i].map(Math.abs)));
  });
}

function variants(): AttentionVariant[] {
  const rt = getDefaultRuntime();
  const sub: AttentionVariant[] = rt.device.features.has('subgroups' as GPUFeatureName) ? ['subgroup'] : [];
  return ['rows', ...sub, 'tiled'];
}

describe('fused attention equals the composed path', () => {
  test.each(['rows', 'subgroup', 'tiled'] as const)('%s: BERT head dim 64, Tq ≠ Tk, padding, several workgroups', async (variant) => {
    if (!variants().includes(variant)) return;
    await expectSame({ b: 2, h: 3, tq: 77, tk: 70, d: 64, pad: [0, 13] }, variant);
  }, 600_000);

  test.each(['rows', 'subgroup', 'tiled'] as const)('%s: dropout 0.1 with the same generator state draws the same mask', async (variant) => {
    if (!variants().includes(variant)) return;
    await expectSame({ b: 2, h: 2, tq: 33, tk: 41, d: 12, pad: [5, 0], dropout: 0.1 }, variant);
  }, 600_000);

  test.each(['rows', 'subgroup', 'tiled'] as const)('%s: a batch row whose every key is padded attends uniformly, as composed does', async (variant) => {
    if (!variants().includes(variant)) return;
    await expectSame({ b: 2, h: 1, tq: 5, tk: 9, d: 36, pad: [9, 2] }, variant);
  }, 600_000);

  test.each(['rows', 'subgroup', 'tiled'] as const)('%s: B·H = 3000 heads', async (variant) => {
    if (!variants().includes(variant)) return;
    await expectSame({ b: 50, h: 60, tq: 3, tk: 5, d: 8, pad: Array.from({ length: 50 }, (_, i) => i % 6) }, variant);
  }, 600_000);

  test('default variant, head dim 128', async () => {
    const rt = getDefaultRuntime();
    // The tiled variant is for GPUs; on lavapipe its D=128 backward takes minutes to compile.
    const variant = variants().includes('subgroup') && rt.adapter.isCPU ? 'subgroup' : rt.adapter.isCPU ? 'rows' : 'tiled';
    await expectSame({ b: 1, h: 2, tq: 40, tk: 29, d: 128, pad: [3] }, variant);
  }, 900_000);

  test('float16 storage (f32 arithmetic)', async () => {
    const rt = getDefaultRuntime();
    if (!rt.hasF16) return;
    const variant = variants()[variants().length > 2 ? 1 : 0];
    // Both paths round their f16 inputs and outputs; they agree to f16 precision.
    await expectSame({ b: 1, h: 2, tq: 19, tk: 23, d: 16, dtype: 'float16' }, variant, 2e-2);
  }, 600_000);
});

describe('choices and checks', () => {
  test('default implementation and variant per adapter', async () => {
    const { chooseAttentionImpl } = await import('../src/ops/attention.js');
    const { chooseAttentionVariant } = await import('../src/kernels/attention-common.js');
    const rt = getDefaultRuntime();
    expect(chooseAttentionImpl(rt, 200, 200, 512)).toBe('composed'); // head dim past the fused kernels
    expect(chooseAttentionImpl(rt, 64, 32, 512)).toBe('composed'); // value dim ≠ head dim
    expect(chooseAttentionImpl(rt, 64, 64, 128)).toBe(rt.adapter.isCPU ? 'fused' : 'composed'); // measured: see ops/attention.ts
    expect(chooseAttentionVariant(rt)).toBe(rt.adapter.isCPU ? (variants().includes('subgroup') ? 'subgroup' : 'rows') : 'tiled');
  });

  test('forcing the fused path on shapes it does not take throws before GPU work', () => {
    const fused = (fn: () => unknown) => () => getDefaultRuntime().withProfile({ attention: 'fused' }, fn);
    scope(() => {
      const q = tensor(new Float32Array(2 * 4 * 130), [1, 2, 4, 130]);
      expect(fused(() => attention(q, q, q))).toThrow(/head dims up to 128/);
      const q8 = tensor(new Float32Array(2 * 4 * 8), [1, 2, 4, 8]);
      const v6 = tensor(new Float32Array(2 * 4 * 6), [1, 2, 4, 6]);
      expect(fused(() => attention(q8, q8, v6))).toThrow(/head dim to equal/);
      expect(attention(q8, q8, v6).shape).toEqual([1, 2, 4, 6]); // composed takes Dv ≠ D
    });
  });
});
