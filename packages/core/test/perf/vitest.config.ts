import { defineConfig } from 'vitest/config';

// Perf scripts are not tests: `vitest run` skips them (its include is
// *.test.ts). Run with: ./node_modules/.bin/vitest run --config packages/core/test/perf/vitest.config.ts
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/core/test/perf/**/*.perf.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
  },
});
