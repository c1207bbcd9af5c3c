#!/usr/bin/env node
/**
 * Writes the model folder the example page loads (a BertMultiTask folder:
 * config.json with "bamgpu_tasks", model.safetensors, vocab.txt). It trains
 * nothing:
 *
 *   node examples/web/export-model.mjs <model dir> [--out dir]
 *       a trained model: `bam train --out X` writes X/model (encoder and task
 *       heads); `bam demo` keeps its pre-trained encoder in
 *       runs/cache/<hash>/model, which has no task heads: they are added for
 *       the synthetic tasks, untrained (the page's fine-tuning trains them),
 *       and the script says so.
 *   node examples/web/export-model.mjs --tiny [--seed n] [--out dir]
 *       a tiny randomly initialised BERT (hidden 32, 2 layers) with a head
 *       for each synthetic task and the suite's vocabulary, for tests.
 *
 * The output goes to examples/web/model/ unless --out says otherwise (it is
 * gitignored). Runs on Node's WebGPU (Dawn), from the packages' built dist
 * (`npx tsc -b`, which `node scripts/bootstrap.mjs` runs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const USAGE = `usage: node examples/web/export-model.mjs (<model dir> | --tiny [--seed n]) [--out dir]`;

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      tiny: { type: 'boolean', default: false },
      seed: { type: 'string', default: '0' },
      out: { type: 'string', default: join(here, 'model') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (e) {
  console.error(`${e instanceof Error ? e.message : e}\n${USAGE}`);
  process.exit(2);
}
const { values: opts, positionals } = args;
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
if (opts.tiny === (positionals.length === 1) || positionals.length > 1) {
  console.error(`give either one model folder or --tiny\n${USAGE}`);
  process.exit(2);
}
const seed = Number(opts.seed);
if (!Number.isSafeInteger(seed) || seed < 0) {
  console.error(`--seed must be a non-negative integer, got "${opts.seed}"`);
  process.exit(2);
}
const out = resolve(opts.out);

// Dawn wants a runtime dir for its Vulkan loader; bootstrap and the test scripts set one too.
process.env.XDG_RUNTIME_DIR ||= '/tmp';
const { initNode } = await import('@bamgpu/core/node');
const { manualSeed } = await import('@bamgpu/core');
const { BertMultiTask, bertConfig, TASKS_CONFIG_KEY } = await import('@bamgpu/bert/node');
const { generateSyntheticGlue } = await import('@bamgpu/bam');

await initNode();
// The synthetic tasks as heads: classes, or one output for the regression task. Metadata only, so the smallest suite.
const suite = generateSyntheticGlue({ seed: 0, scale: 1e-3 });
const syntheticTasks = suite.tasks.map((t) => ({ name: t.name, numLabels: t.kind === 'classification' ? t.labels.length : 1 }));

let model;
if (opts.tiny) {
  manualSeed(seed); // the same seed gives the same weights, so a test can rebuild them
  const vocabTxt = suite.vocabTxt();
  const vocabSize = vocabTxt.split('\n').filter((l) => l.length > 0).length;
  const config = bertConfig({
    vocabSize, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 64,
  });
  model = BertMultiTask.fromConfig(config, syntheticTasks);
  model.assets.set('vocab.txt', vocabTxt);
  console.log(`tiny BERT: vocabulary ${vocabSize}, hidden 32, 2 layers, heads ${syntheticTasks.map((t) => t.name).join(', ')} (random weights, seed ${seed})`);
} else {
  const dir = resolve(positionals[0]);
  if (!existsSync(join(dir, 'config.json'))) {
    console.error(`${dir}: no config.json; give a folder written by \`bam train\` (<out>/model) or \`bam demo\` (runs/cache/<hash>/model)`);
    process.exit(2);
  }
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const hasHeads = Array.isArray(config[TASKS_CONFIG_KEY]);
  // An encoder alone (bam demo's pre-trained model) gets a head per synthetic task; a multi-task folder keeps its own.
  model = await BertMultiTask.fromPretrained(dir, { warn: false, ...(hasHeads ? {} : { tasks: syntheticTasks }) });
  const missing = model.loadReport?.missing ?? [];
  const notHeads = missing.filter((n) => !n.startsWith('heads.'));
  if (notHeads.length > 0) {
    console.error(`${dir} lacks ${notHeads.length} encoder weight(s) (${notHeads.slice(0, 3).join(', ')}…); is it a BERT folder?`);
    process.exit(1);
  }
  if (!model.assets.has('vocab.txt')) {
    console.error(`${dir} has no vocab.txt: the page could not tokenize`);
    process.exit(1);
  }
  if (missing.length > 0) {
    console.log(`note: ${dir} has no task heads; added untrained heads for ${syntheticTasks.map((t) => t.name).join(', ')}. Their predictions mean nothing until fine-tuned (the page's "Fine-tune" button, or \`bam train\`).`);
  }
  console.log(`model from ${dir}: hidden ${model.config.hiddenSize}, ${model.config.numHiddenLayers} layers, heads ${model.tasks.map((t) => t.name).join(', ')}`);
}
await model.save(out);
model.dispose();
console.log(`wrote ${out}`);
process.exit(0);
