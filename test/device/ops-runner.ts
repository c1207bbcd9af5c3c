/**
 * The shared op suite as a plain Node program (no vitest), so it can run on
 * a machine that has a GPU but no npm: every case through checkOp, the fused
 * AdamW against its float64 reference, then the coverage check. Built into
 * one file by scripts/device-pack.mjs.
 */
import { listOps, memory } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { families } from 'bamgpu:op-families';
import { ADAMW_CASES, adamwCaseLabel, checkAdamW } from '../../packages/core/test/helpers/adamw-check.js';
import { checkOp, covered, unsupported } from '../../packages/core/test/helpers/check.js';

const rt = await initNode();
const a = rt.adapter;
console.log(`adapter: ${a.vendor} | ${a.device} | ${a.description} | features ${a.features.join(',')}`);
let passed = 0;
const failed: string[] = [];
const t0 = performance.now();
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const errorLine = (e: unknown) => errorText(e).split('\n')[0];
const fail = (label: string, e: unknown) => {
  failed.push(`${label}: ${errorLine(e)}`);
  console.log(`  ✗ ${label}: ${errorLine(e)}`);
};
for (const [family, cases] of families) {
  for (const c of cases) {
    const t = performance.now();
    const why = unsupported(c);
    if (why) {
      console.log(`  - ${family} › ${c.label}: skipped (${why})`);
      continue;
    }
    try {
      await checkOp(c);
      passed++;
    } catch (e) {
      if (/lacks the shader-f16 feature/.test(errorText(e))) {
        console.log(`  - ${family} › ${c.label}: skipped (adapter lacks shader-f16)`);
        continue;
      }
      fail(`${family} › ${c.label}`, e);
      continue;
    }
    const ms = performance.now() - t;
    if (ms > 2000) console.log(`  ✓ ${family} › ${c.label} (${(ms / 1000).toFixed(1)} s)`);
  }
}
// The fused optimiser is not an op, so it has its own float64 check (the Node suite runs it too).
for (const c of ADAMW_CASES) {
  try {
    await checkAdamW(c);
    passed++;
  } catch (e) {
    fail(`optim › AdamW ${adamwCaseLabel(c)}`, e);
  }
}
const missing = listOps().filter((o) => !covered.has(o.name)).map((o) => o.name);
if (missing.length) failed.push(`coverage: no case ran for ${missing.join(', ')}`);
if (memory().liveTensors !== 0) failed.push(`leak: ${memory().liveTensors} tensors live after the suite`);
console.log(`\nop suite on ${a.description || a.device}: ${passed} passed, ${failed.length} failed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
for (const f of failed) console.log(`FAILED ${f}`);
process.exit(failed.length ? 1 : 0);
