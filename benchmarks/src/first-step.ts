/**
 * The cost of the first training step: pipeline compiles (our
 * rt.pipelineStats(), TF.js's pipeline cache) and wall time of step 1
 * against the steps after it. Not a benchmark.js measurement — a first step
 * happens once per process.
 */
import { median, type Lib } from './harness.js';
import type { Instance, SideResult } from './types.js';

export interface FirstStep {
  side: SideResult;
  laterMedianMs: number;
  /** Pipelines the first step compiled (null: the library does not say). */
  pipelines: number | null;
  /** Milliseconds spent creating them (ours only). */
  pipelineMs: number | null;
}

export interface PipelineCounter {
  (): { count: number; ms: number | null } | null;
}

export async function measureFirstStep(lib: Lib, inst: Instance, laterSteps: number, pipelines: PipelineCounter): Promise<FirstStep> {
  await lib.sync(null); // set-up work (random init) is not the step's
  const before = pipelines();
  const t0 = performance.now();
  inst.run();
  await lib.sync(null);
  const firstMs = performance.now() - t0;
  const after = pipelines();
  const laterMs: number[] = [];
  for (let i = 0; i < laterSteps; i++) {
    const t = performance.now();
    inst.run();
    // The later steps repeat the same work: their waits may learn from each other.
    await lib.sync('first-step: later steps');
    laterMs.push(performance.now() - t);
  }
  return {
    side: {
      repsPerSample: 1,
      samplesMs: [firstMs],
      medianMs: firstMs,
      rmePercent: 0,
      gpuSamplesMs: [],
      gpuMedianMs: null,
      rate: 1000 / firstMs,
      gpuRate: null,
    },
    laterMedianMs: median(laterMs),
    pipelines: before && after ? after.count - before.count : null,
    pipelineMs: before?.ms != null && after?.ms != null ? after.ms - before.ms : null,
  };
}
