/**
 * First-call cost of matmul pipelines (shader compile dominates on lavapipe):
 *
 *   MESA_SHADER_CACHE_DISABLE=true ./node_modules/.bin/vitest run \
 *     --config packages/core/test/perf/vitest.config.ts packages/core/test/perf/matmul-compile.perf.ts
 *
 * MM_FIRST=variant:flags,… (flags: tA tB gelu) picks the pipelines; the
 * default is the texture variant's layouts. Without MESA_SHADER_CACHE_DISABLE
 * Mesa's on-disk cache serves repeated runs.
 */
import { test } from 'vitest';
import { checkFlags, getDefaultRuntime, matmul, randn } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';

test('matmul first-call cost', async () => {
  await initNode();
  const list = (process.env.MM_FIRST ?? 'blocked:,texture:,texture:tA,texture:tB,texture:gelu').split(',');
  for (const item of list) {
    const [variant, flags = ''] = item.split(':');
    const opts = { transA: flags.includes('tA'), transB: flags.includes('tB'), activation: flags.includes('gelu') ? ('gelu' as const) : undefined };
    const a = randn([5, 5]);
    const b = randn([5, 5]);
    const t0 = performance.now();
    const y = getDefaultRuntime().withProfile(checkFlags({ matmul: variant }), () => matmul(a, b, opts));
    await y.data();
    console.log(`${item.padEnd(16)} first call ${(performance.now() - t0).toFixed(0)} ms`);
    for (const t of [a, b, y]) t.dispose();
  }
});
