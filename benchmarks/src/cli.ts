/**
 * `node benchmarks/dist/run.js [--quick] [--only <regex>] [--no-tfjs] [--out <dir>]`
 * — acquires the GPU, loads TF.js on the same adapter, runs the suite and
 * writes bench-results/. Exported as a function so the smoke test can run it
 * in-process.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initNode, nodeGPU, type Runtime } from '@bamgpu/core/node';
import type { HarnessOptions } from './harness.js';
import { adapterName, adapterSlug, gitInfo, watchMachine, type RunRecord } from './report/meta.js';
import { writeRun, type Written } from './report/write.js';
import { runSuite } from './suite.js';
import { loadTfjs, type TfjsHandle } from './tfjs/load.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliOptions {
  quick: boolean;
  only: RegExp | null;
  tfjs: boolean;
  outDir: string;
  /** Only re-render latest.md, latest.svg and the index from the stored JSON (after a report change); no GPU. */
  rerender: boolean;
}

const USAGE = `usage: run.js [--quick] [--only <regex>] [--no-tfjs] [--out <dir>] | --rerender [--out <dir>]
  --quick      fewer shapes and samples (smoke run); writes a -partial result
  --only RE    rows whose id matches RE (ids: matmul/square-1024, attention/fused-fwd-bwd-t256, softmax/…, …)
  --no-tfjs    skip the TF.js baseline
  --out DIR    results folder (default: <repo>/bench-results)
  --rerender   rewrite each adapter's latest.md/latest.svg and the index from its newest full JSON; runs nothing`;

export function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-tfjs': { type: 'boolean', default: false },
      out: { type: 'string' },
      rerender: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    quick: values.quick ?? false,
    only: values.only ? new RegExp(values.only) : null,
    tfjs: !values['no-tfjs'],
    outDir: values.out ?? `${REPO_ROOT}bench-results`,
    rerender: values.rerender ?? false,
  };
}

export function harnessOptions(quick: boolean): HarnessOptions {
  return quick
    ? { warmup: 1, minSamples: 2, maxTimeS: 0.2, gpuSamples: 1, targetSampleMs: 10, maxReps: 20, oursWait: 'runtime', tfjsWait: 'settle', rounds: 2 }
    : { warmup: 2, minSamples: 5, maxTimeS: 3, gpuSamples: 3, targetSampleMs: 25, maxReps: 100, oursWait: 'runtime', tfjsWait: 'settle', rounds: 5 };
}

export interface CliResult {
  run: RunRecord;
  written: Written;
}

export async function runBenchmarks(opts: CliOptions, log: (line: string) => void = console.log): Promise<CliResult> {
  const finishMachine = watchMachine();
  const t0 = performance.now();
  const date = new Date().toISOString();
  // Read now: sources edited while a long run goes on are not what ran.
  const git = gitInfo(REPO_ROOT);
  const rt: Runtime = await initNode();
  const a = rt.adapter;
  log(`adapter: ${adapterName(a)} (${a.vendor}/${a.architecture}${a.isCPU ? ', CPU' : ''}); timestamps: ${rt.hasTimestamps ? 'yes' : 'no'}`);
  let tfjs: TfjsHandle | null = null;
  if (opts.tfjs) {
    tfjs = await loadTfjs(nodeGPU());
    log(`TF.js: ${tfjs.version} on ${tfjs.adapter.description || `${tfjs.adapter.vendor}/${tfjs.adapter.architecture}`}`);
    if (tfjs.adapter.vendor !== a.vendor || tfjs.adapter.architecture !== a.architecture) {
      log(`warning: TF.js got a different adapter (${tfjs.adapter.vendor}/${tfjs.adapter.architecture}) from ours (${a.vendor}/${a.architecture})`);
    }
  }
  const harness = harnessOptions(opts.quick);
  const rows = await runSuite(rt, tfjs, { quick: opts.quick, only: opts.only, harness, sideTimeoutS: opts.quick ? 180 : 900, log });
  if (rows.length === 0) throw new Error(`no benchmark matches --only ${opts.only?.source ?? ''}${opts.quick ? ' with --quick' : ''}`);
  const run: RunRecord = {
    schema: 1,
    date,
    durationS: (performance.now() - t0) / 1000,
    git,
    adapter: { ...a, slug: adapterSlug(a) },
    tfjs: tfjs ? { version: tfjs.version, adapter: tfjs.adapter } : null,
    machine: finishMachine(),
    node: process.version,
    options: { quick: opts.quick, only: opts.only?.source ?? null, tfjs: opts.tfjs },
    partial: opts.quick || opts.only !== null,
    harness,
    rows,
  };
  const written = writeRun(opts.outDir, run);
  log(`wrote ${written.json}${written.markdown ? `, ${written.markdown}, ${written.svg}` : ''}`);
  return { run, written };
}
