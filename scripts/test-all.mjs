#!/usr/bin/env node
/**
 * Every test: the vitest suites (Node, on Dawn) and then the browser suite
 * (headless Chromium's WebGPU). Exits non-zero if either fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp' };
const step = (name, cmd, argv) => {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env });
  console.log(`=== ${name}: ${r.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s ===`);
  return r.status === 0;
};

let ok = step('node tests (vitest)', join(root, 'node_modules', '.bin', 'vitest'), ['run']);
const browser = join(root, 'test', 'browser', 'run.mjs');
if (existsSync(browser)) ok = step('browser tests (headless Chromium)', process.execPath, [browser]) && ok;
process.exit(ok ? 0 : 1);
