/**
 * Property-based fuzzing of every parser of outside data (see harness.ts for
 * the rules). `npm test` runs RUNS = 1,000 cases per target with a fixed
 * seed; scripts/fuzz.mjs runs more with fresh seeds and records failures.
 */
import { describe } from 'vitest';
import { test } from '@fast-check/vitest';
import { CASE_MS, RUNS, SEED, fuzzParameters } from './harness.js';
import { TARGETS } from './targets/index.js';

describe(`fuzz: ${RUNS} cases per parser, seed ${SEED}, ${CASE_MS} ms a case`, () => {
  for (const target of TARGETS) {
    test.prop([target.input], fuzzParameters(target))(target.name, (bytes) => target.check(bytes), 60_000 + RUNS * 50);
  }
});
