#!/usr/bin/env node
/**
 * The browser test suite: bundles test/browser/entry.ts for the browser
 * (proving @bamgpu/core's main entry has no Node imports), serves it on
 * 127.0.0.1, opens it in headless Chromium, and prints the results the page
 * posts back: one line per test, a summary, the adapter. Exits 0 only if
 * every test passed (skips allowed: a capability the adapter lacks).
 *
 *   node test/browser/run.mjs [--grep text] [--timeout s] [--test-timeout s] [--keep]
 *
 * CHROMIUM=/path/to/chrome picks the browser binary; CHROMIUM_FLAGS="--a --b"
 * adds flags after ours (e.g. to try another WebGPU adapter).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from './lib/bundle.mjs';
import { findChromium, launchChromium } from './lib/chromium.mjs';
import { familyDrift } from './lib/op-families.mjs';
import { adapterLines, resultLine, summaryLines } from './lib/report.mjs';
import { serve } from './lib/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const opsDir = join(root, 'packages', 'core', 'test', 'ops');

const { values: opts } = parseArgs({
  options: {
    grep: { type: 'string', default: '' },
    // SwiftShader (the CPU adapter headless Chromium gets without a GPU) runs the whole
    // suite in about 6.5 minutes on a 2-core box; these leave room without hiding a hang for long.
    'test-timeout': { type: 'string', default: '300' },
    timeout: { type: 'string', default: process.env.BROWSER_TEST_TIMEOUT_S ?? '900' },
    keep: { type: 'boolean', default: false }, // keep the temp dir (profile, log) even on success
  },
});
const secondsOption = (flag) => {
  const n = Number(opts[flag]);
  if (!(n > 0)) {
    console.error(`--${flag} must be a positive number of seconds, got "${opts[flag]}"`);
    process.exit(2);
  }
  return n;
};
const timeoutS = secondsOption('timeout');
const testTimeoutS = secondsOption('test-timeout');
/** How long the page may take to load and say hello before the run is called dead. */
const HELLO_TIMEOUT_S = 60;

const t0 = Date.now();
const elapsed = () => (Date.now() - t0) / 1000;
const problems = [];

// The two suites must run the same families: a cases file ops.test.ts forgot would only run here.
const drift = familyDrift(opsDir);
if (drift.missingFromNode.length) {
  problems.push(`packages/core/test/ops/ops.test.ts does not list the families ${drift.missingFromNode.join(', ')} (their *.cases.ts files exist), so the Node suite skips them`);
}
if (drift.missingOnDisk.length) {
  problems.push(`ops.test.ts lists families with no *.cases.ts file: ${drift.missingOnDisk.join(', ')}`);
}

let built;
try {
  built = await bundle({ root, entry: join(here, 'entry.ts'), opsDir });
} catch (e) {
  console.error(`browser tests: FAILED before starting Chromium.\n${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
if (built.warnings) console.log(`esbuild warnings:\n${built.warnings}`);
for (const d of built.droppedImports) {
  problems.push(`the bundler dropped a side-effect import, so browser bundles lack that module's setup: ${d} (list the module under "sideEffects" in its package.json)`);
}
console.log(`bundled test/browser/entry.ts for the browser: ${(built.bytes / 1024).toFixed(0)} KiB from ${built.inputs.length} files, no Node imports`);

const binary = (() => {
  try {
    return findChromium();
  } catch (e) {
    console.error(`browser tests: FAILED: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
})();

const workDir = mkdtempSync(join(tmpdir(), 'bamgpu-browser-'));
const results = [];
let adapter = null;
let filteredOut = 0;
let running = null;
/** Set once the run's outcome is decided; later events (e.g. our own kill of Chromium) are not problems. */
let settled = false;
let finish;
const finished = new Promise((resolve) => {
  finish = (outcome) => {
    settled = true;
    resolve(outcome);
  };
});
let helloSeen = false;

function onEvent(ev) {
  switch (ev.type) {
    case 'hello':
      helloSeen = true;
      break;
    case 'adapter':
      adapter = ev.adapter;
      console.log(adapterLines(adapter)[0]);
      break;
    case 'plan':
      filteredOut = ev.filteredOut;
      console.log(`running ${ev.total} tests in the page${ev.filteredOut ? ` (${ev.filteredOut} left out by --grep)` : ''}`);
      break;
    case 'begin':
      running = ev.name;
      break;
    case 'result':
      running = null;
      results.push(ev);
      console.log(resultLine(ev));
      break;
    case 'log':
      console.log(`  [page] ${ev.message}`);
      break;
    case 'fatal':
      if (settled) break;
      problems.push(`in the page: ${ev.message}`);
      finish('fatal');
      break;
    case 'done':
      finish('done');
      break;
    default:
      problems.push(`the page sent an unknown event: ${JSON.stringify(ev).slice(0, 200)}`);
  }
}

const html = readFileSync(join(here, 'page.html'), 'utf8');
const server = await serve({ html, js: built.js, onEvent });
const query = new URLSearchParams({ testTimeout: String(testTimeoutS), ...(opts.grep ? { grep: opts.grep } : {}) });
const url = `${server.url}?${query}`;
const extraFlags = (process.env.CHROMIUM_FLAGS ?? '').split(/\s+/).filter(Boolean);
const browser = launchChromium({ binary, url, workDir, extraFlags });

const stopOnSignal = (sig) => {
  browser.kill();
  console.error(`browser tests: interrupted (${sig})`);
  process.exit(130);
};
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);

const timers = [
  setTimeout(() => {
    if (!helloSeen && !settled) {
      problems.push(`the page did not start within ${HELLO_TIMEOUT_S} s (the bundle never ran; Chromium may have failed to start or load it)`);
      finish('no-hello');
    }
  }, HELLO_TIMEOUT_S * 1000),
  setTimeout(() => {
    if (settled) return;
    problems.push(`timed out after ${timeoutS} s${running ? `, while running "${running}"` : ''} (raise it with --timeout or BROWSER_TEST_TIMEOUT_S)`);
    finish('timeout');
  }, timeoutS * 1000),
];
browser.exited.then(({ code, signal, error }) => {
  if (settled) return;
  const how = error ? `could not start: ${error.message}` : `exited (code ${code}, signal ${signal})`;
  problems.push(`Chromium ${how} before the tests finished${running ? `, while running "${running}"` : ''}`);
  finish('chromium-exit');
});

const outcome = await finished;
for (const t of timers) clearTimeout(t);
browser.kill();
// Let the kill land before we exit, so no Chromium process outlives the run.
await Promise.race([browser.exited, new Promise((r) => setTimeout(r, 5000))]);
await server.close();

if (outcome === 'done' && results.length === 0 && !problems.length) problems.push('the page ran no tests');
for (const line of summaryLines({ results, problems, seconds: elapsed(), filteredOut })) console.log(line);
for (const line of adapterLines(adapter)) console.log(line);

const ok = outcome === 'done' && problems.length === 0 && results.every((r) => r.status !== 'fail');
if (!ok) {
  // The lines that explain most failures (a crashed GPU process, a lost device) without opening the log.
  const notable = readFileSync(browser.logPath, 'utf8')
    .split('\n')
    .filter((l) => /GPU process exited|crash|FATAL|device lost|WebGPU/i.test(l))
    .slice(-10);
  if (notable.length) console.log(`from Chromium's log:\n${notable.map((l) => `  ${l}`).join('\n')}`);
  console.log(`Chromium's log: ${browser.logPath}`);
} else if (!opts.keep) {
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
