/**
 * The demo's pipeline at tiny size: pre-training runs once per settings and
 * is reused (and says so), every run evaluates dev several times so the
 * plots are curves, and the outputs carry the chance and ceiling rows.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { demo } from '../src/cli/demo.js';
import { initNode } from '@bamgpu/core/node';
import { DEMO_RECIPE, QUICK_RECIPE } from '../src/experiment/demo-recipe.js';
import { demoPretraining, runDemoPipeline } from '../src/experiment/demo-pipeline.js';
import { pretrainCacheDir } from '../src/pretrain/cache.js';
import { generateSyntheticGlue } from '../src/synthetic/index.js';
import { formatTable } from '../src/experiment/experiment.js';

let dir: string;
beforeAll(async () => {
  await initNode();
  dir = await mkdtemp(join(tmpdir(), 'bam-demo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What `bam demo` prints with `args`, at a tiny size (suite, encoder, pre-training and one epoch). */
async function demoOutput(args: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await demo([...args, '--scale', '0.02', '--hidden', '16', '--layers', '1', '--corpus-size', '120', '--pretrain-steps', '4', '--epochs', '1', '--quiet']);
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

const recipe = { ...DEMO_RECIPE, scale: 0.02, hidden: 16, layers: 1, corpusSize: 120, pretrainSteps: 4, pretrainBatchSize: 16, epochs: 2, evalCount: 3 };

test('pre-trains once, reuses the encoder, draws curves and prints chance and ceiling', async () => {
  const lines: string[] = [];
  const run = (out: string) => runDemoPipeline({ recipe, dataSeed: 0, seeds: [0], methods: ['single', 'multi', 'bam'], out: join(dir, out), cacheDir: join(dir, 'cache'), progress: false, log: (l) => lines.push(l) });
  const first = await run('a');
  expect(first.pretrained.reused).toBe(false);
  const second = await run('b');
  expect(second.pretrained.reused).toBe(true);
  expect(second.pretrained.dir).toBe(first.pretrained.dir);
  expect(lines.some((l) => l.includes('reusing the encoder pre-trained with the same settings'))).toBe(true);
  expect(await readdir(join(dir, 'cache'))).toHaveLength(1);
  // A pipeline fine-tuned from the same cached encoder with the same seed gives the same table.
  expect(formatTable(second.result, second.references)).toBe(formatTable(first.result, first.references));

  const table = formatTable(first.result, first.references);
  expect(table).toMatch(/^chance /m);
  expect(table).toMatch(/^ceiling /m);
  // Every run (each Single task, Multi, BAM) evaluated dev evalCount times (or at every step of a shorter run).
  for (const r of first.result.runs) {
    for (const [name, h] of Object.entries(r.histories)) {
      const start = h.find((e) => e.type === 'start');
      const total = start && start.type === 'start' ? start.totalSteps : 0;
      expect(total, `${r.method} ${name}`).toBeGreaterThan(0);
      expect(h.filter((e) => e.type === 'eval').length, `${r.method} ${name}`).toBeGreaterThanOrEqual(Math.min(recipe.evalCount, total));
    }
  }
  const saved = JSON.parse(await readFile(join(dir, 'a', 'results.json'), 'utf8'));
  expect(saved.references.map((r: { label: string }) => r.label)).toEqual(['chance', 'ceiling']);
  expect(saved.recipe).toMatchObject({ hidden: 16, nextSentence: true });
  expect(await readFile(join(dir, 'a', 'table.md'), 'utf8')).toContain('ceiling');
  const svg = await readFile(join(dir, 'a', 'dev-syn-sentiment.svg'), 'utf8');
  // Each method's series is a path through several points: a curve, not a dot.
  const paths = [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => (m[1].match(/L/g) ?? []).length);
  expect(paths).toHaveLength(3);
  for (const segments of paths) expect(segments).toBeGreaterThanOrEqual(1);
});

test('the cache folder is a fixed hash of the recipe and of the generator that draws its weights and dropout', () => {
  const vocab = generateSyntheticGlue({ seed: 0, scale: DEMO_RECIPE.scale }).vocabTxt().split('\n').filter(Boolean).length;
  const folder = (r: typeof DEMO_RECIPE) => pretrainCacheDir('c', demoPretraining(r, 0, vocab).settings);
  // The default recipe's folder is the one docs/results/demo-5-seeds-full used, so a cached encoder is found by it.
  expect(folder(DEMO_RECIPE)).toBe(join('c', 'pretrained-73e8040f54c259b1'));
  expect(folder(QUICK_RECIPE)).toBe(join('c', 'pretrained-4e4d83298af22c2d'));
  expect(folder({ ...QUICK_RECIPE, groupByLength: false })).toBe(join('c', 'pretrained-7aeb568828321a6c'));
  // The folders of the earlier generator's encoders (docs/results names them) are never reused for this one's.
  expect(folder(QUICK_RECIPE)).not.toBe(join('c', 'pretrained-6b38cf5292edc347'));
  expect(folder({ ...QUICK_RECIPE, groupByLength: false })).not.toBe(join('c', 'pretrained-ab34ab92a0e370f3'));
  // A pre-training option changes the folder, so an encoder trained otherwise is never taken for the recipe's.
  expect(folder({ ...DEMO_RECIPE, tokenMatch: 0 })).not.toBe(folder(DEMO_RECIPE));
  expect(folder({ ...DEMO_RECIPE, pretrainBiasCorrection: false })).not.toBe(folder(DEMO_RECIPE));
});

test('bam demo --recipe picks a named recipe, and each recipe option changes one setting of it', async () => {
  const read = async (out: string) => JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8')).recipe;
  const text = await demoOutput(['--out', join(dir, 'quick'), '--cache-dir', join(dir, 'cache-recipes'), '--recipe', 'quick', '--methods', 'single', '--token-match', '2']);
  expect(text).toContain('recipe: quick, with --scale 0.02 --hidden 16 --layers 1 --corpus-size 120 --pretrain-steps 4 --token-match 2 --epochs 1');
  const tiny = { scale: 0.02, hidden: 16, layers: 1, corpusSize: 120, pretrainSteps: 4, epochs: 1 };
  expect(await read('quick')).toEqual({ ...QUICK_RECIPE, ...tiny, tokenMatch: 2 });
  await demoOutput(['--out', join(dir, 'full'), '--cache-dir', join(dir, 'cache-recipes'), '--methods', 'single']);
  expect(await read('full')).toEqual({ ...DEMO_RECIPE, ...tiny });
});

test('bam demo --data-seeds 2: one folder per data seed, each its own encoder, then the comparison paired over both', async () => {
  const text = await demoOutput(['--out', join(dir, 'multi-data'), '--cache-dir', join(dir, 'cache-multi'), '--seed', '3', '--data-seeds', '2', '--seeds', '2', '--methods', 'single,multi']);
  expect((await readdir(join(dir, 'multi-data'))).sort()).toEqual(['data-seed-3', 'data-seed-4']);
  expect(await readdir(join(dir, 'cache-multi'))).toHaveLength(2);
  for (const d of [3, 4]) expect(JSON.parse(await readFile(join(dir, 'multi-data', `data-seed-${d}`, 'results.json'), 'utf8')).dataSeed).toBe(d);
  expect(text).toContain('=== data seed 4 ===');
  expect(text).toMatch(/^2 experiment\(s\): data seed 3, data seed 4\./m);
  // Two data seeds × two fine-tuning seeds: four pairs of Multi and Single runs.
  expect(text).toMatch(/^Multi +Single +4 /m);
});

test('bam demo --data-seeds 2 without Single or Multi says there is nothing to pair', async () => {
  const text = await demoOutput(['--out', join(dir, 'no-pairs'), '--cache-dir', join(dir, 'cache-multi'), '--seed', '3', '--data-seeds', '2', '--methods', 'anneal-no-teacher']);
  expect(text).toContain('no pairs: the paired comparison needs single or multi among --methods');
});

test('bam demo --resume goes on with a stopped demo: finished runs are taken from their records; without it every run starts afresh', async () => {
  const out = join(dir, 'resumed');
  const run = (extra: string[]) => demoOutput(['--out', out, '--cache-dir', join(dir, 'cache-resume'), '--methods', 'single,bam', ...extra]);
  /** results.json less wall-clock times, the only thing a resumed run may change. */
  const results = async () => JSON.parse(await readFile(join(out, 'results.json'), 'utf8'), (k, v) => (k === 'seconds' ? undefined : v));
  await run([]);
  const first = await results();
  // A second plain demo into the same folder trains everything again.
  expect(await run([])).not.toContain('finished before');
  expect(await results()).toEqual(first);
  // Stopped before BAM finished: its record is missing, the teachers' are there.
  const bam = (await readdir(join(out, 'runs'))).find((n) => n.startsWith('s0-bam-'));
  expect(bam).toBeDefined();
  await rm(join(out, 'runs', bam!, 'record.json'));
  const text = await run(['--resume']);
  expect(text.match(/finished before: taken from /g)).toHaveLength(5);
  expect(text).toMatch(/seed 0: BAM\n(?!  finished before)/);
  expect(await results()).toEqual(first);
});
