/**
 * Scratch benchmark: attention forward + backward, composed vs fused, GPU
 * time from timestamp queries (wall time where the adapter has none),
 * median (and min) of several repetitions, in milliseconds. Not part of the test suite. Run:
 *
 *   ./node_modules/.bin/esbuild packages/core/test/perf/attention.perf.ts --bundle \
 *     --platform=node --format=esm --external:webgpu \
 *     --outfile=packages/core/node_modules/.perf/attention.mjs \
 *   && node packages/core/node_modules/.perf/attention.mjs [T,..] [B,..] [reps] [plain|bert] [variant,..]
 *
 * (bundled under packages/core/node_modules so `webgpu` resolves). `bert`
 * (the default) adds a key padding mask and dropout 0.1 as BERT training
 * does; `plain` has neither. `fused` is the default variant for the adapter;
 * a list of variants times those too.
 */
import { Generator, attention, checkFlags, tensor, type AttentionOptions, type ProfileFlags, type Tensor } from '../../src/index.js';
import { initNode } from '../../src/node.js';

const H = 12;
const D = 64;
const args = process.argv.slice(2);
const lengths = (args[0] ?? '128,256,512').split(',').map(Number);
const batches = (args[1] ?? '1,2').split(',').map(Number);
const reps = Number(args[2] ?? 5);
const mode = args[3] ?? 'bert';

const rt = await initNode();
console.log(`${rt.adapter.description || rt.adapter.vendor} (isCPU ${rt.adapter.isCPU}, timestamps ${rt.hasTimestamps}), H=${H} D=${D}, ${mode}, ms fwd+bwd, median (min) of ${reps}`);

let seed = 1;
function random(shape: number[], requiresGrad: boolean): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    data[i] = (seed / 2 ** 32) * 2 - 1;
  }
  return tensor(data, shape, { requiresGrad });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const impls: { name: string; pin: ProfileFlags }[] = [
  { name: 'composed', pin: { attention: 'composed' } },
  { name: 'fused', pin: { attention: 'fused' } },
  // Extra fused variants to time, e.g. `rows,tiled`.
  ...(args[4] ? args[4].split(',') : []).map((v) => ({ name: `fused ${v}`, pin: checkFlags({ attention: 'fused', attentionKernel: v }) })),
];

for (const b of batches) {
  for (const t of lengths) {
    const q = random([b, H, t, D], true);
    const k = random([b, H, t, D], true);
    const v = random([b, H, t, D], true);
    const g = random([b, H, t, D], false);
    // 1/8 of the last sequence's keys are padding.
    const mask = tensor(Int32Array.from({ length: b * t }, (_, i) => (i >= (b - 1) * t + t - t / 8 ? 0 : 1)), [b, t], { dtype: 'int32' });
    // Implementations alternate rep by rep so load from other processes hits both alike.
    const times = impls.map(() => [] as number[]);
    for (let r = 0; r <= reps; r++) {
      for (const [n, impl] of impls.entries()) {
        const opts: AttentionOptions = mode === 'bert' ? { keyMask: mask, dropout: 0.1, generator: new Generator(5) } : {};
        const { gpuMs, wallMs } = await rt.timeGPU(() =>
          rt.withProfile(impl.pin, () => {
            const o = attention(q, k, v, opts);
            o.backward(g);
            o.dispose();
          }),
        );
        for (const x of [q, k, v]) {
          x.grad?.dispose();
          x.grad = null;
        }
        if (r > 0) times[n].push(gpuMs ?? wallMs); // the first run compiles pipelines
      }
    }
    const row = impls.map((impl, n) => `${impl.name} ${median(times[n]).toFixed(1)} (min ${Math.min(...times[n]).toFixed(1)})`);
    console.log(`B=${b} T=${t}: ${row.join(', ')}`);
    for (const x of [q, k, v, g, mask]) x.dispose();
  }
}
process.exit(0);
