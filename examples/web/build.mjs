#!/usr/bin/env node
/**
 * Bundles the page (src/main.ts) for browsers with esbuild into
 * examples/web/dist/app.js: ES modules, ES2022, minified, with a source map.
 * @bamgpu/* are bundled from their TypeScript sources (the "source" export
 * condition), so the page needs no `tsc -b` first. platform "browser" makes
 * any Node built-in reachable from the page a build error, and the build
 * also fails if Dawn's native `webgpu` package ends up in the bundle.
 *
 *   node examples/web/build.mjs
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Builds dist/app.js; resolves to { bytes, outfile } or throws with esbuild's messages. */
export async function buildPage({ minify = true } = {}) {
  const outfile = join(here, 'dist', 'app.js');
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [join(here, 'src', 'main.ts')],
      outfile,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      conditions: ['source'],
      minify,
      sourcemap: true,
      metafile: true,
      logLevel: 'silent',
    });
  } catch (e) {
    const errors = e && Array.isArray(e.errors) ? e.errors : [];
    if (errors.length === 0) throw e;
    const text = await esbuild.formatMessages(errors, { kind: 'error', color: false });
    throw new Error(`esbuild could not bundle examples/web/src/main.ts:\n${text.join('')}`);
  }
  const inputs = Object.keys(result.metafile.inputs);
  const native = inputs.filter((p) => /(^|\/)node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?webgpu\//.test(p) || /src\/node\.ts$/.test(p));
  if (native.length > 0) throw new Error(`the page bundle contains Node-only code:\n${native.map((p) => `  ${p}`).join('\n')}`);
  const bytes = result.metafile.outputs[relative(process.cwd(), outfile)]?.bytes ?? 0;
  return { outfile, bytes, inputs: inputs.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { outfile, bytes, inputs } = await buildPage();
    console.log(`wrote ${relative(process.cwd(), outfile)}: ${(bytes / 1024).toFixed(0)} KiB from ${inputs} files`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
