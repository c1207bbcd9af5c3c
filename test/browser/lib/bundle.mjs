/**
 * Bundles the page program (test/browser/entry.ts) for the browser with
 * esbuild, in memory. The build is also the proof that @bamgpu/core's main
 * entry is browser-safe: platform "browser" cannot resolve Node built-ins, so
 * any `node:` (or bare `fs`, `path`…) import reachable from it fails the
 * build, and the metafile is checked for Dawn's `webgpu` package and
 * core's Node entry, which must never reach a browser bundle.
 */
import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import * as esbuild from 'esbuild';
import { opFamiliesModule } from './op-families.mjs';

const VIRTUAL = 'bamgpu:op-families';
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Serves `bamgpu:op-families` from the cases files currently on disk. */
function opFamiliesPlugin(opsDir) {
  return {
    name: 'op-families',
    setup(build) {
      build.onResolve({ filter: /^bamgpu:op-families$/ }, () => ({ path: VIRTUAL, namespace: 'op-families' }));
      build.onLoad({ filter: /.*/, namespace: 'op-families' }, () => ({
        contents: opFamiliesModule(opsDir),
        loader: 'ts',
        resolveDir: opsDir,
      }));
    },
  };
}

/** Records every attempt to import a Node built-in, with the importer, instead of esbuild's generic error. */
function nodeImportGuard(found) {
  return {
    name: 'node-import-guard',
    setup(build) {
      build.onResolve({ filter: /^[a-z0-9_:/]+$/ }, (args) => {
        if (!NODE_BUILTINS.has(args.path)) return undefined;
        found.push({ path: args.path, importer: args.importer });
        // Resolved to an empty stub so the build finishes and every offender is listed at once
        // (CommonJS, so named imports from it are not errors of their own).
        return { path: args.path, namespace: 'node-builtin' };
      });
      build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

/**
 * Returns { js, bytes, inputs, warnings, droppedImports } or throws an Error whose message says what
 * broke (build errors, Node imports, Node-only packages in the bundle).
 */
export async function bundle({ root, entry, opsDir }) {
  const nodeImports = [];
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      // @bamgpu/* resolve to their TypeScript sources: no build needed first.
      conditions: ['source'],
      sourcemap: 'inline',
      metafile: true,
      logLevel: 'silent',
      plugins: [opFamiliesPlugin(opsDir), nodeImportGuard(nodeImports)],
    });
  } catch (e) {
    const errors = e && Array.isArray(e.errors) ? e.errors : [];
    if (errors.length === 0) throw e;
    const text = await esbuild.formatMessages(errors, { kind: 'error', color: false });
    throw new Error(`esbuild could not bundle ${relative(root, entry)}:\n${text.join('')}`);
  }
  const rel = (p) => relative(root, p.replace(/^[\w-]+:/, ''));
  if (nodeImports.length > 0) {
    const lines = nodeImports.map((n) => `  ${rel(n.importer)} imports "${n.path}"`);
    throw new Error(`the browser bundle reaches Node built-ins, so @bamgpu/core's main entry (or a test helper) is not browser-safe:\n${lines.join('\n')}`);
  }
  const inputs = Object.keys(result.metafile.inputs);
  const nodeOnly = inputs.filter((p) => /(^|\/)node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?webgpu\//.test(p) || /packages\/core\/src\/node\.ts$/.test(p));
  if (nodeOnly.length > 0) {
    throw new Error(`the browser bundle contains Node-only code (Dawn's "webgpu" package or @bamgpu/core/node):\n${nodeOnly.map((p) => `  ${p}`).join('\n')}`);
  }
  const js = result.outputFiles[0].text;
  // Warnings matter here: e.g. a side-effect import dropped because a package says "sideEffects": false.
  const warnings = result.warnings.length ? (await esbuild.formatMessages(result.warnings, { kind: 'warning', color: false })).join('') : '';
  // A dropped bare import means code the package needs at load time (e.g. installing Tensor methods)
  // is missing from every bundle made with a bundler that honours "sideEffects".
  const droppedImports = result.warnings
    .filter((w) => w.id === 'ignored-bare-import')
    .map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`);
  return { js, bytes: Buffer.byteLength(js), inputs, warnings, droppedImports };
}
