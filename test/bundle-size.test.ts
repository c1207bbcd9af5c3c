// What a browser bundle of the engine costs, per entry point, and that
// importing the tokenizer or parseSafetensors alone leaves the GPU kernels
// out (package.json "sideEffects" + core's side-effect-free index). The
// numbers are in the README's "Using the engine"; a budget here fails when an
// import grows an entry point by more than the stated slack.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Resolved from bam's folder, where @bamgpu/core and @bamgpu/bert are linked as a user's would be; bundled from dist.
const resolveDir = join(root, 'packages', 'bam');

/** Minified and gzip bytes of an esbuild browser bundle of `code`, and the bundle. */
async function bundle(code: string): Promise<{ min: number; gzip: number; text: string }> {
  const r = await build({
    stdin: { contents: code, resolveDir, loader: 'js' },
    bundle: true, minify: true, write: false, format: 'esm', platform: 'browser', logLevel: 'silent',
  });
  const bytes = r.outputFiles[0]!.contents;
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, text: r.outputFiles[0]!.text };
}

/** A WGSL compute entry point: present exactly when kernels are in the bundle. */
const KERNELS = /@compute/;

/** Budgets: measured sizes (README) plus about 25% slack, in bytes. */
const CASES = [
  { name: 'core, everything', code: `import * as core from '@bamgpu/core'; globalThis.core = core;`, min: 165_000, gzip: 56_000, kernels: true },
  { name: 'core, init + tensor + matmul', code: `import { init, tensor, matmul } from '@bamgpu/core'; await init(); globalThis.y = matmul(tensor([[1]]), tensor([[2]])).relu();`, min: 115_000, gzip: 38_000, kernels: true },
  { name: 'parseSafetensors only', code: `import { parseSafetensors } from '@bamgpu/core'; globalThis.f = parseSafetensors;`, min: 6_000, gzip: 2_500, kernels: false },
  { name: 'BertTokenizer only', code: `import { BertTokenizer } from '@bamgpu/bert'; globalThis.t = BertTokenizer;`, min: 11_000, gzip: 4_500, kernels: false },
];

const built = ['core', 'bert'].every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.js')));

test.skipIf(!built).each(CASES)('bundle size: $name', async (c) => {
  const b = await bundle(c.code);
  console.log(`${c.name}: ${b.min} B minified, ${b.gzip} B gzip`);
  expect(KERNELS.test(b.text), 'WGSL kernels in the bundle').toBe(c.kernels);
  expect(b.min).toBeLessThanOrEqual(c.min);
  expect(b.gzip).toBeLessThanOrEqual(c.gzip);
  if (c.kernels) {
    // The tensor API is complete in any bundle that calls init(): ops/methods.js's installer is in it.
    expect(/\.relu=function/.test(b.text), 'Tensor methods installed').toBe(true);
  }
});
