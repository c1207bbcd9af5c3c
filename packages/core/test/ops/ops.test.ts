/**
 * Every op, forward against float64 references and backward against finite
 * differences, through the one helper. The last test checks that every
 * registered op was covered and prints the table.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listOps, memory } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { checkOp, covered, unsupported, type OpCase } from '../helpers/check.js';
import { elementwiseCases } from './elementwise.cases.js';
import { reduceCases } from './reduce.cases.js';
import { shapeCases } from './shape.cases.js';
import { matmulCases } from './matmul.cases.js';
import { nnCases } from './nn.cases.js';
import { miscCases } from './misc.cases.js';
import { attentionCases } from './attention.cases.js';

const families: [string, OpCase[]][] = [
  ['elementwise', elementwiseCases],
  ['reduce', reduceCases],
  ['shape', shapeCases],
  ['matmul', matmulCases],
  ['nn', nnCases],
  ['misc', miscCases],
  ['attention', attentionCases],
];

beforeAll(async () => {
  await initNode();
});

for (const [family, cases] of families) {
  describe(family, () => {
    for (const c of cases) {
      test(c.label, (ctx) => {
        const why = unsupported(c);
        if (why) return ctx.skip(why);
        return checkOp(c);
      });
    }
  });
}

describe('coverage', () => {
  test('every registered op is covered, and every differentiable one has its gradient checked', () => {
    const ops = listOps();
    const rows = ops.map((o) => {
      const c = covered.get(o.name) ?? { cases: 0, gradCases: 0 };
      return `${o.name.padEnd(14)} ${String(c.cases).padStart(3)} forward  ${o.differentiable ? `${String(c.gradCases).padStart(3)} gradient` : '  - (no gradient)'}`;
    });
    console.log(`op coverage (${ops.length} ops):\n${rows.join('\n')}`);
    expect(ops.filter((o) => !covered.has(o.name)).map((o) => o.name)).toEqual([]);
    expect(ops.filter((o) => o.differentiable && !(covered.get(o.name)?.gradCases ?? 0)).map((o) => o.name)).toEqual([]);
  });

  test('no tensors leak across the op cases', () => {
    // Every case runs inside scope(); only the runtime's own pool may hold buffers.
    expect(memory().liveTensors).toBe(0);
  });
});

afterAll(() => {});
