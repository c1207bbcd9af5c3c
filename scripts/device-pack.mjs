#!/usr/bin/env node
/**
 * Packs what a GPU machine without Node or npm needs to run the op suite and
 * the benchmarks: a compressed copy of this Node binary, Dawn's dawn.node,
 * and two self-contained bundles (test/device/ops-runner.ts and the
 * benchmark entry). Output: .devicepack/ (git-ignored). On the machine:
 *   xz -dc node.xz > /tmp/node && chmod +x /tmp/node
 *   /tmp/node ops.mjs            # op suite
 *   BAMGPU_TFJS_GRADIENTS=$PWD/tfjs-gradients.mjs /tmp/node bench.mjs [--quick] --out <dir>
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { opFamiliesModule } from '../test/browser/lib/op-families.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.devicepack');
mkdirSync(join(out, 'node_modules', 'webgpu', 'dist', 'linux-x64'), { recursive: true });
const webgpu = realpathSync(join(root, 'packages', 'core', 'node_modules', 'webgpu'));
for (const f of ['index.js', 'package.json']) copyFileSync(join(webgpu, f), join(out, 'node_modules', 'webgpu', f));
copyFileSync(join(webgpu, 'dist', 'linux-x64', 'dawn.node'), join(out, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node'));
if (!existsSync(join(out, 'node.xz'))) {
  writeFileSync(join(out, 'node.xz'), execFileSync('xz', ['-T2', '-6', '-c', process.execPath], { maxBuffer: 1 << 30 }));
}
const opsDir = join(root, 'packages', 'core', 'test', 'ops');
const families = {
  name: 'op-families',
  setup(b) {
    b.onResolve({ filter: /^bamgpu:op-families$/ }, () => ({ path: 'op-families', namespace: 'bamgpu' }));
    b.onLoad({ filter: /.*/, namespace: 'bamgpu' }, () => ({ contents: opFamiliesModule(opsDir), loader: 'ts', resolveDir: opsDir }));
  },
};
// The device machine has no repository: bake the commit and TF.js's backend version into the bundles for the run records.
const gitOut = (...args) => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};
const packRequire = (await import('node:module')).createRequire(join(root, 'benchmarks', 'package.json'));
const define = {
  'process.env.BAMGPU_PACK_GIT_COMMIT': JSON.stringify(gitOut('rev-parse', 'HEAD')),
  'process.env.BAMGPU_PACK_GIT_DIRTY': JSON.stringify(String(gitOut('status', '--porcelain', '--untracked-files=no').length > 0)),
  'process.env.BAMGPU_PACK_TFJS_WEBGPU_VERSION': JSON.stringify(packRequire('@tensorflow/tfjs-backend-webgpu/package.json').version),
};
const common = { define, bundle: true, platform: 'node', format: 'esm', target: 'node20', conditions: ['source'], external: ['webgpu'], logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } };
await build({ ...common, entryPoints: [join(root, 'test', 'device', 'ops-runner.ts')], outfile: join(out, 'ops.mjs'), plugins: [families] });
// benchmark.js finds lodash and platform through require at run time; bundling breaks that, so ship them as packages.
const benchRequire = (await import('node:module')).createRequire(join(root, 'benchmarks', 'package.json'));
const benchDir = dirname(benchRequire.resolve('benchmark/package.json'));
const depRequire = (await import('node:module')).createRequire(join(benchDir, 'package.json'));
for (const [name, dir] of [['benchmark', benchDir], ['lodash', dirname(depRequire.resolve('lodash/package.json'))], ['platform', dirname(depRequire.resolve('platform/package.json'))]]) {
  cpSync(dir, join(out, 'node_modules', name), { recursive: true, dereference: true });
}
await build({ ...common, external: ['webgpu', 'benchmark'], entryPoints: [join(root, 'benchmarks', 'src', 'run.ts')], outfile: join(out, 'bench.mjs') });
// TF.js's gradient registrations, which the benchmark otherwise bundles on first use with esbuild.
const require = (await import('node:module')).createRequire(join(root, 'benchmarks', 'package.json'));
await build({ entryPoints: [require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js')], bundle: true, format: 'esm', platform: 'node', outfile: join(out, 'tfjs-gradients.mjs'), logLevel: 'warning' });
console.log(`packed ${out}; run the benchmarks with BAMGPU_TFJS_GRADIENTS=$PWD/tfjs-gradients.mjs`);
