/**
 * The device profile (runtime/policy.ts): its default choices equal main's
 * before the profile existed (performance-neutral by construction), every
 * pinned entry pins its chooser, and bad overrides fail naming the culprit.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildProfile, parseFlags, pinnedValues, type ProfileFlags } from '../src/runtime/policy.js';
import { waitStrategy } from '../src/runtime/settle.js';
import { chooseMatmulVariant } from '../src/kernels/matmul-choose.js';
import { chooseRowVariant } from '../src/kernels/rows.js';
import { chooseReduceVariant } from '../src/kernels/reduce.js';
import { chooseAttentionImpl } from '../src/ops/attention.js';
import { chooseAttentionVariant } from '../src/kernels/attention-common.js';
import { useVec4 } from '../src/kernels/elementwise.js';
import { chooseSplitKPartials } from '../src/kernels/matmul-splitk.js';
import { flagsWithEnv } from '../src/node.js';
import { ADAPTER_CLASSES, choiceTable, fakeRuntime, type Choosers } from './helpers/choice-table.js';

const choosers: Choosers = {
  matmul: chooseMatmulVariant,
  rows: chooseRowVariant,
  reduce: chooseReduceVariant,
  attentionImpl: chooseAttentionImpl,
  attentionKernel: chooseAttentionVariant,
  vec4: useVec4,
  splitkPartials: chooseSplitKPartials,
  wait: (rt, polls) => waitStrategy(rt.profile, polls),
};

const withProfile = (flags: ProfileFlags = {}) => (c: (typeof ADAPTER_CLASSES)[number]) => fakeRuntime(c, { profile: buildProfile(c.isCPU, flags) });

describe('default profile', () => {
  test('picks what main picked, per adapter class, over every family\'s grid of shapes', () => {
    const want = JSON.parse(readFileSync(new URL('./fixtures/default-choices.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    delete want._made;
    expect(choiceTable(choosers, withProfile())).toEqual(want);
  }, 60_000);
});

describe('pinned entries', () => {
  test('a pinned value is what its chooser returns on every adapter class and shape', () => {
    const s = { batch: 1, m: 3, n: 300, k: 700, transA: false, transB: false, dtype: 'float32', strideA: 0, strideB: 0 } as const;
    for (const c of ADAPTER_CLASSES) {
      for (const v of pinnedValues('matmul')) expect(chooseMatmulVariant(withProfile({ matmul: v })(c), s)).toBe(v);
      for (const v of pinnedValues('rows')) expect(chooseRowVariant(withProfile({ rows: v })(c), 7)).toBe(v);
      for (const v of pinnedValues('reduce')) expect(chooseReduceVariant(withProfile({ reduce: v })(c), 1, 9)).toBe(v);
      for (const v of pinnedValues('attention')) expect(chooseAttentionImpl(withProfile({ attention: v })(c), 64, 64, 9)).toBe(v);
      for (const v of pinnedValues('attentionKernel')) expect(chooseAttentionVariant(withProfile({ attentionKernel: v })(c))).toBe(v);
      for (const v of pinnedValues('splitkPartials')) expect(chooseSplitKPartials(withProfile({ splitkPartials: v })(c))).toBe(v);
      for (const v of pinnedValues('wait')) expect(waitStrategy(buildProfile(c.isCPU, { wait: v }), true)).toBe(v);
      expect(useVec4(withProfile({ vec4: 'on' })(c))).toBe(true);
      expect(useVec4(withProfile({ vec4: 'off' })(c))).toBe(false);
    }
  });

  test('adapterClass=gpu on a CPU adapter follows the GPU rules', () => {
    const rt = withProfile({ adapterClass: 'gpu' })(ADAPTER_CLASSES[0]);
    expect(rt.profile.adapterClass).toBe('gpu');
    expect([chooseAttentionVariant(rt), chooseReduceVariant(rt, 1, 4096), useVec4(rt)]).toEqual(['tiled', 'workgroup', false]);
  });
});

describe('overrides', () => {
  test('BAMGPU_FLAGS form parses, spaces allowed', () => {
    expect(parseFlags(' matmul=tiled, attention = fused ,')).toEqual({ matmul: 'tiled', attention: 'fused' });
    expect(parseFlags('')).toEqual({});
  });

  test('an unknown entry, an unknown value or a malformed item is an error naming it', () => {
    expect(() => parseFlags('matmull=tiled')).toThrow(/BAMGPU_FLAGS: unknown device-profile entry 'matmull' \(entries: adapterClass, matmul,/);
    expect(() => parseFlags('matmul=tild')).toThrow(/'matmul' takes auto \| texture \| tiled .* got 'tild'/);
    expect(() => parseFlags('matmul')).toThrow(/'matmul' is not entry=value/);
    expect(() => buildProfile(true, { rows: 'warp' } as unknown as ProfileFlags)).toThrow(/'rows' takes .* got 'warp'/);
  });

  test('initNode reads BAMGPU_FLAGS under the caller\'s flags', () => {
    const saved = process.env.BAMGPU_FLAGS;
    try {
      process.env.BAMGPU_FLAGS = 'matmul=tiled,rows=thread';
      expect(flagsWithEnv({ rows: 'workgroup' })).toEqual({ matmul: 'tiled', rows: 'workgroup' });
      expect(flagsWithEnv('reduce=thread')).toEqual({ matmul: 'tiled', rows: 'thread', reduce: 'thread' });
      process.env.BAMGPU_FLAGS = 'bogus=1';
      expect(() => flagsWithEnv()).toThrow(/BAMGPU_FLAGS: unknown device-profile entry 'bogus'/);
    } finally {
      if (saved === undefined) delete process.env.BAMGPU_FLAGS;
      else process.env.BAMGPU_FLAGS = saved;
    }
  });
});
