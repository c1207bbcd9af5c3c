/**
 * The shared op suite: every case of every packages/core/test/ops family
 * through the same `checkOp` the Node suite uses, then the same coverage
 * checks as ops.test.ts. A case fails here exactly as it would under vitest,
 * except when it needs a capability this adapter lacks: then it is skipped,
 * with the reason, and never silently dropped.
 */
import { listOps, memory, type Runtime } from '@bamgpu/core';
import { families } from 'bamgpu:op-families';
import { unsupported, checkOp, covered } from '../../../packages/core/test/helpers/check.js';
import { assert, skip, type BrowserTest } from '../harness.js';

/** Optional device features a case may need, and how their absence shows in the error it throws. */
const CAPABILITIES: { feature: GPUFeatureName; symptom: RegExp }[] = [
  { feature: 'shader-f16', symptom: /shader-f16/ },
];

/** The feature `error` blames, if the device really lacks it; otherwise null (a genuine failure). */
function missingCapability(rt: Runtime, error: unknown): GPUFeatureName | null {
  const message = error instanceof Error ? error.message : String(error);
  const hit = CAPABILITIES.find((c) => !rt.device.features.has(c.feature) && c.symptom.test(message));
  return hit ? hit.feature : null;
}

/** The op cases, and the coverage checks to run after them (only meaningful when every case ran). */
export function opTests(rt: Runtime): { cases: BrowserTest[]; coverage: BrowserTest[] } {
  if (families.length === 0) throw new Error('no op families were bundled: packages/core/test/ops/*.cases.ts found nothing');
  /** Ops of cases skipped for a missing capability: coverage can't be asked of them here. */
  const skippedOps = new Set<string>();
  const tests: BrowserTest[] = [];
  for (const [family, cases] of families) {
    assert(Array.isArray(cases) && cases.length > 0, `op family "${family}" exports no cases`);
    for (const c of cases) {
      tests.push({
        name: `${family} › ${c.label}`,
        run: async () => {
          const why = unsupported(c);
          if (why) {
            for (const op of c.ops) skippedOps.add(op);
            skip(why);
          }
          try {
            await checkOp(c);
          } catch (e) {
            const feature = missingCapability(rt, e);
            if (!feature) throw e;
            for (const op of c.ops) skippedOps.add(op);
            skip(`adapter lacks the "${feature}" feature (${e instanceof Error ? e.message : e})`);
          }
        },
      });
    }
  }
  return { cases: tests, coverage: coverageTests(skippedOps) };
}

/** Mirrors ops.test.ts's coverage block. */
function coverageTests(skippedOps: Set<string>): BrowserTest[] {
  return [
    {
      name: 'coverage › every registered op is covered, and every differentiable one has its gradient checked',
      run: () => {
        const ops = listOps();
        const excused = (name: string) => skippedOps.has(name);
        const uncovered = ops.filter((o) => !covered.has(o.name) && !excused(o.name)).map((o) => o.name);
        const noGrad = ops
          .filter((o) => o.differentiable && !(covered.get(o.name)?.gradCases ?? 0) && !excused(o.name))
          .map((o) => o.name);
        assert(uncovered.length === 0, `ops with no passing case in the browser: ${uncovered.join(', ')}`);
        assert(noGrad.length === 0, `differentiable ops whose gradient was never checked in the browser: ${noGrad.join(', ')}`);
        const partial = ops.filter((o) => !covered.has(o.name)).map((o) => o.name);
        return `${ops.length} ops covered${partial.length ? `, except ${partial.join(', ')} (only cases skipped for a missing feature)` : ''}`;
      },
    },
    {
      name: 'coverage › no tensors leak across the op cases',
      run: () => {
        // Every case runs inside scope(); only the runtime's own pool may hold buffers.
        const live = memory().liveTensors;
        assert(live === 0, `${live} tensors still live after the op cases`);
      },
    },
  ];
}
