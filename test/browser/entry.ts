/**
 * The page's program, bundled by run.mjs: acquires the GPU through
 * navigator.gpu with @bamgpu/core's browser entry, then runs the browser
 * checks and the whole shared op suite, posting every result to the runner.
 * The runner passes its options in the query string: `grep` keeps only
 * tests whose name contains the text (the coverage checks then stay out, as
 * they need every case) and `testTimeout` is seconds per test.
 */
import { init, type Runtime } from '@bamgpu/core';
import { runTests } from './harness.js';
import { post } from './protocol.js';
import { adapterTest, trainingTests } from './suites/browser.js';
import { opTests } from './suites/ops.js';

async function main(): Promise<void> {
  await post({ type: 'hello', userAgent: navigator.userAgent });
  let rt: Runtime;
  try {
    rt = await init();
  } catch (e) {
    await post({ type: 'fatal', message: `init() failed: ${e instanceof Error ? e.message : e}` });
    return;
  }
  const a = rt.adapter;
  await post({
    type: 'adapter',
    adapter: { vendor: a.vendor, architecture: a.architecture, device: a.device, description: a.description, isCPU: a.isCPU, features: a.features, userAgent: navigator.userAgent },
  });

  const params = new URLSearchParams(location.search);
  const grep = params.get('grep')?.toLowerCase() ?? '';
  const testTimeoutS = Number(params.get('testTimeout') ?? 300);
  const ops = opTests(rt);
  const all = [adapterTest(rt), ...ops.cases, ...(grep ? [] : ops.coverage), ...trainingTests()];
  const chosen = all.filter((t) => t.name.toLowerCase().includes(grep));
  await post({ type: 'plan', total: chosen.length, filteredOut: all.length - chosen.length });
  await runTests(chosen, testTimeoutS * 1000, () => (rt.isLost ? 'the GPU device was lost' : null));
  await post({ type: 'done' });
}

main().catch(async (e: unknown) => {
  await post({ type: 'fatal', message: `the page's test program crashed: ${e instanceof Error ? e.stack ?? e.message : e}` });
});
