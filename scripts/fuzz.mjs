#!/usr/bin/env node
/**
 * The long fuzz run: the same targets and rules as test/fuzz/parsers.test.ts
 * (which `npm test` runs at 1,000 cases each with a fixed seed), with more
 * cases and fresh seeds. Every failure is minimised and written to
 * test/fuzz/regressions/<target>.json, which `npm test` then replays; commit
 * those files with the fix.
 *
 *   node scripts/fuzz.mjs [--runs 20000] [--seeds 1] [--seed 12345]
 *
 * Prints the cases run and the regression cases added.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const regressions = join(root, 'test', 'fuzz', 'regressions');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`--${name} needs a non-negative integer, got "${process.argv[i + 1]}"`);
  return v;
}

const runs = option('runs', 20_000);
const seeds = option('seeds', 1);
const firstSeed = option('seed', Date.now() % 2 ** 31);

function regressionCounts() {
  const counts = new Map();
  for (const f of readdirSync(regressions).filter((f) => f.endsWith('.json'))) {
    counts.set(f.slice(0, -5), JSON.parse(readFileSync(join(regressions, f), 'utf8')).cases.length);
  }
  return counts;
}

const before = regressionCounts();
const out = mkdtempSync(join(tmpdir(), 'bamgpu-fuzz-'));
let total = 0;
let failedTargets = 0;
const t0 = Date.now();
try {
  for (let s = 0; s < seeds; s++) {
    const seed = (firstSeed + s) % 2 ** 31;
    const report = join(out, `seed-${seed}.json`);
    console.log(`\n=== fuzz: ${runs} cases per target, seed ${seed} ===`);
    spawnSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', 'test/fuzz/parsers.test.ts', '--reporter=default', '--reporter=json', `--outputFile=${report}`], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, BAMGPU_FUZZ_RUNS: String(runs), BAMGPU_FUZZ_SEED: String(seed), BAMGPU_FUZZ_RECORD: '1' },
    });
    const results = JSON.parse(readFileSync(report, 'utf8')).testResults.flatMap((f) => f.assertionResults);
    // A failing target stops at its first failure, so only passing targets count their full runs.
    for (const r of results) {
      if (r.status === 'passed') total += runs;
      else failedTargets++;
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

const after = regressionCounts();
const added = [...after].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name, n]) => `${name}: +${n - (before.get(name) ?? 0)}`);
console.log(`\nfuzz: ${total} cases passed across ${seeds} seed(s) from ${firstSeed} in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${failedTargets} target run(s) failed`);
console.log(added.length ? `new regression cases (test/fuzz/regressions): ${added.join(', ')}` : 'no new regression cases');
process.exit(failedTargets === 0 ? 0 : 1);
