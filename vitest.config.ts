import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources: the "source" export condition maps
// @bamgpu/* to src/ so no build is needed first.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'benchmarks/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/browser/**'],
    pool: 'forks',
    // lavapipe runs kernels on the CPU's cores; two files at once is the most a 2-core box sustains.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
