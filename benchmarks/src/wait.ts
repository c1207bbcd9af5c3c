/**
 * On CPU adapters both libraries wait the same way: our Runtime.sync() on
 * our side, and on TF.js's the same code (core's SettleEstimator and
 * initNode's dawn.node poll throttle; tfjs/load.ts). dawn.node polls a core
 * while a wait is pending, and on a CPU adapter that core is the GPU's: the
 * throttle spaces the polls out, and the sleep before the wait covers most
 * of the work (packages/core/src/runtime/settle.ts; why and measured: docs/perf/waits.md).
 */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
