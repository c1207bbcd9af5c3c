/**
 * TF.js's gradient functions live in tfjs-core's ES module build
 * (dist/register_all_gradients.js), which Node cannot load directly (its
 * imports have no file extensions) and which the Node bundle we import does
 * not include — without it tf.grads fails with "gradient function not found".
 * esbuild bundles that one entry into a single file we import. The copy it
 * contains registers into tfjs-core's global gradient registry and runs on
 * the global engine (TF.js keeps both on globalThis so that duplicated
 * copies cooperate), so the gradients apply to the tensors of the main copy.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Tf } from './load.js';

/** Idempotent; a no-op where the gradients are already registered (a bundle that includes them). */
export async function registerTfjsGradients(tf: Tf): Promise<void> {
  if (tf.getGradient('BatchMatMul') && tf.getGradient('Softmax')) return;
  // A prebuilt copy (scripts/device-pack.mjs makes one for machines without npm).
  const prebuilt = process.env.BAMGPU_TFJS_GRADIENTS;
  if (prebuilt) {
    await import(pathToFileURL(prebuilt).href);
    return;
  }
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const version = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  const dir = join(tmpdir(), 'bamgpu-bench');
  const file = join(dir, `tfjs-gradients-${version}-${createHash('sha1').update(entry).digest('hex').slice(0, 10)}.mjs`);
  if (!existsSync(file)) {
    // esbuild is the workspace root's dev dependency (the build's bundler).
    const { build } = await import('esbuild');
    const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' });
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, out.outputFiles[0].text);
  }
  await import(pathToFileURL(file).href);
}
