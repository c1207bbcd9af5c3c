/**
 * Replays every input the fuzz runs found (regressions/<target>.json, each
 * minimised by fast-check) under the same rules, so a fixed crash stays fixed.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { REGRESSIONS_DIR, fromHex, readRegressions } from './harness.js';
import { TARGETS } from './targets/index.js';

const files = readdirSync(REGRESSIONS_DIR).filter((f) => f.endsWith('.json'));

describe('fuzz regressions', () => {
  test('every regression file belongs to a target', () => {
    const names = new Set(TARGETS.map((t) => t.name));
    expect(files.map((f) => f.slice(0, -'.json'.length)).filter((n) => !names.has(n))).toEqual([]);
  });

  for (const target of TARGETS) {
    const cases = readRegressions(target.name);
    if (cases.length === 0) continue;
    test.each(cases.map((c, i) => [i, c.found, c.hex] as const))(`${target.name} #%i (found: %s)`, (_i, _found, hex) => {
      target.check(fromHex(hex));
    });
  }
});
