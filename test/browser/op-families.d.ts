/**
 * A module the runner generates at bundle time (lib/op-families.mjs) from
 * the packages/core/test/ops/*.cases.ts files on disk, so new families run
 * here without edits to this suite.
 */
declare module 'bamgpu:op-families' {
  import type { OpCase } from '../../packages/core/test/helpers/check.js';
  /** [family, cases] in ops.test.ts's order. */
  export const families: [string, OpCase[]][];
}
