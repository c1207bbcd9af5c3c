// The three packages as a stranger gets them: packed tarballs, checked by the
// ecosystem's own linters (publint, attw), installed with npm into a fresh
// folder with no workspace links, then used from ESM, CommonJS and strict
// TypeScript (nodenext and bundler resolution) with no extra settings.
// Needs the npm registry for the tarballs' one dependency (@webgpu/types);
// skips, saying so, when it cannot be reached.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const pnpm = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
const PACKAGES = ['core', 'bert', 'bam'] as const;

function run(cmd: string, args: string[], cwd: string, timeout = 60_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
}
function ok(r: SpawnSyncReturns<string>): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const built = PACKAGES.every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.js'))) && existsSync(pnpm);
const registry = built && run('npm', ['ping', '--loglevel=error'], root, 20_000).status === 0;
if (!built) console.warn('packaging test skipped: run `node scripts/bootstrap.mjs` first (it installs pnpm and builds dist/)');
else if (!registry) console.warn('packaging test skipped: the npm registry is unreachable (`npm ping` failed), and installing the tarballs needs it');

describe.skipIf(!registry)('packed tarballs', () => {
  let work = '';
  const tgz: Record<string, string> = {};
  const app = () => join(work, 'app');

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'bamgpu-pack-'));
    for (const p of PACKAGES) {
      // pnpm pack, so workspace:* dependencies become the real version.
      ok(run(pnpm, ['pack', '--pack-destination', work], join(root, 'packages', p)));
      tgz[p] = join(work, `bamgpu-${p}-0.1.0.tgz`);
      expect(existsSync(tgz[p]!), tgz[p]).toBe(true);
    }
    mkdirSync(app());
    writeFileSync(join(app(), 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    // What the README tells a browser user: the packages alone (no webgpu).
    ok(run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...PACKAGES.map((p) => tgz[p]!)], app(), 120_000));
  }, 180_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test.each(PACKAGES)('@bamgpu/%s: the tarball holds README, LICENSE, dist with types, and no tests', (p) => {
    const files = ok(run('tar', ['-tzf', tgz[p]!], work)).split('\n').filter(Boolean);
    for (const f of ['package/README.md', 'package/LICENSE', 'package/package.json', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/node.js', 'package/dist/node.d.ts']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.includes('/test/') || f.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  test.each(PACKAGES)('@bamgpu/%s: publint finds nothing', (p) => {
    const out = ok(run(bin('publint'), ['run', '--strict', tgz[p]!], work));
    expect(out).toMatch(/All good!/);
  });

  // cjs-resolves-to-esm is the one rule ignored: attw models TypeScript before
  // require(esm), while Node >= 20.19 (our engines floor) and TypeScript 5.8+
  // under nodenext both accept require() of these ES modules; the CommonJS
  // consumer and the require.cts compile below check exactly that.
  test.each(PACKAGES)('@bamgpu/%s: attw finds no problem (require(esm) allowed)', (p) => {
    ok(run(bin('attw'), [tgz[p]!, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'ascii'], work));
  });

  test('a browser-style install pulls in no native binary (webgpu is an optional peer)', () => {
    expect(existsSync(join(app(), 'node_modules', 'webgpu'))).toBe(false);
    expect(existsSync(join(app(), 'node_modules', '@webgpu', 'types', 'package.json'))).toBe(true);
  });

  test('ESM and CommonJS consumers load every main entry', () => {
    writeFileSync(join(app(), 'esm.mjs'), `
      import { init, parseSafetensors } from '@bamgpu/core';
      import { BertTokenizer } from '@bamgpu/bert';
      import { GLUE_TASK_NAMES } from '@bamgpu/bam';
      console.log(typeof init, typeof parseSafetensors, typeof BertTokenizer, GLUE_TASK_NAMES.length > 0);`);
    expect(ok(run(process.execPath, ['esm.mjs'], app())).trim()).toBe('function function function true');
    writeFileSync(join(app(), 'cjs.cjs'), `
      const core = require('@bamgpu/core');
      const bert = require('@bamgpu/bert');
      const bam = require('@bamgpu/bam');
      console.log(typeof core.init, typeof bert.BertTokenizer, bam.GLUE_TASK_NAMES.length > 0);`);
    const cjs = run(process.execPath, ['cjs.cjs'], app());
    expect(ok(cjs).trim()).toBe('function function true');
  });

  test('without Dawn, initNode() says what to install', () => {
    const r = run(process.execPath, ['--input-type=module', '-e',
      `import { initNode } from '@bamgpu/core/node'; await initNode().catch((e) => { console.log(e.name + ': ' + e.message); });`], app());
    expect(ok(r).trim()).toMatch(/^DeviceError: WebGPU in Node needs Dawn, the optional peer dependency "webgpu".*npm install @bamgpu\/core webgpu/);
  });

  // No `types`, no `skipLibCheck`, no @types packages: the published .d.ts bring @webgpu/types themselves.
  const CONSUMER = `
    import { tensor, matmul, type Runtime } from '@bamgpu/core';
    import { initNode } from '@bamgpu/core/node';
    import { BertTokenizer } from '@bamgpu/bert';
    import { nodeFolder } from '@bamgpu/bert/node';
    import { GLUE_TASK_NAMES } from '@bamgpu/bam';
    import * as bamNode from '@bamgpu/bam/node';
    export async function run(): Promise<Float32Array | Int32Array> {
      const rt: Runtime = await initNode();
      const device: GPUDevice = rt.device;
      void device; void BertTokenizer; void nodeFolder; void GLUE_TASK_NAMES; void bamNode;
      return matmul(tensor([[1, 2]]), tensor([[3], [4]])).relu().data();
    }`;

  test('a --strict TypeScript consumer compiles under nodenext (ESM and require) and bundler resolution', () => {
    const dir = (name: string, files: Record<string, string>, options: Record<string, unknown>) => {
      mkdirSync(join(app(), name));
      for (const [f, text] of Object.entries(files)) writeFileSync(join(app(), name, f), text);
      writeFileSync(join(app(), name, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', ...options }, files: Object.keys(files) }));
      return join(app(), name);
    };
    const nodenext = dir('ts-nodenext', {
      'index.mts': CONSUMER,
      'require.cts': `import core = require('@bamgpu/core');\nimport bert = require('@bamgpu/bert');\nexport const f: typeof core.parseSafetensors = core.parseSafetensors;\nexport const t: typeof bert.BertTokenizer = bert.BertTokenizer;\n`,
    }, { module: 'nodenext', moduleResolution: 'nodenext' });
    const bundler = dir('ts-bundler', { 'index.ts': CONSUMER }, { module: 'esnext', moduleResolution: 'bundler' });
    ok(run(bin('tsc'), ['-p', nodenext], app()));
    ok(run(bin('tsc'), ['-p', bundler], app()));
    // The check has teeth: the same consumer without core's reference to @webgpu/types fails.
    const dts = join(app(), 'node_modules', '@bamgpu', 'core', 'dist', 'index.d.ts');
    const text = readFileSync(dts, 'utf8');
    expect(text.split('\n')[0]).toBe('/// <reference types="@webgpu/types" preserve="true" />');
    writeFileSync(dts, text.split('\n').slice(1).join('\n'));
    expect(run(bin('tsc'), ['-p', bundler], app()).stdout).toMatch(/Cannot find name 'GPU/);
    writeFileSync(dts, text);
  });
});
