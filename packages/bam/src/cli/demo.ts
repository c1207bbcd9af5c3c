import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { initNode } from '@bamgpu/core/node';
import { BertTokenizer, bertConfig } from '@bamgpu/bert/node';
import { formatTable, runExperiment } from '../experiment/experiment.js';
import type { MethodName } from '../experiment/methods.js';
import { generateSyntheticGlue } from '../synthetic/index.js';
import { DEFAULT_TRAIN_CONFIG } from '../train/config.js';
import { fromSynthetic } from '../train/task.js';
import { fmtTime } from '../train/progress.js';
import { parseArgs, usage, type OptionSpec } from './args.js';

const SPECS: OptionSpec[] = [
  { name: 'scale', type: 'number', help: 'size of the synthetic suite relative to its design (1 = ~10k training examples)', default: 0.5 },
  { name: 'epochs', type: 'number', help: 'training epochs for every run', default: 3 },
  { name: 'seed', type: 'number', help: 'seed of the data and of the runs', default: 0 },
  { name: 'hidden', type: 'number', help: 'BERT hidden size', default: 64 },
  { name: 'layers', type: 'number', help: 'BERT layers', default: 2 },
  { name: 'out', type: 'string', help: 'where results, plots and logs go', default: 'runs/demo' },
  { name: 'quiet', type: 'bool', help: 'no progress bars', default: false },
  { name: 'help', type: 'bool', help: 'show this help', default: false },
];

/**
 * `bam demo`: the whole BAM pipeline on the embedded synthetic suite with a
 * tiny BERT trained from scratch — single-task teachers, their predictions,
 * the plain multi-task baseline and the BAM student — then the table.
 */
export async function demo(argv: readonly string[]): Promise<void> {
  const { options } = parseArgs(argv, SPECS, 'bam demo');
  if (options.help) {
    console.log(usage('bam demo [options]', 'Runs Single, Multi and BAM on the embedded synthetic GLUE-like suite with a tiny BERT from scratch.', SPECS));
    return;
  }
  const t0 = performance.now();
  const rt = await initNode();
  const a = rt.adapter;
  console.log(`adapter: ${[a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(' / ')}${a.isCPU ? ' (runs on the CPU)' : ''}`);
  const suite = generateSyntheticGlue({ seed: Number(options.seed), scale: Number(options.scale) });
  const tokenizer = new BertTokenizer(suite.vocabTxt().split('\n').filter((l) => l.length > 0), { lowercase: true });
  const tasks = suite.tasks.map(fromSynthetic);
  console.log(`data: embedded synthetic suite (seed ${options.seed}, scale ${options.scale}): ${tasks.map((t) => `${t.name} ${t.train.length}`).join(', ')} training examples`);
  const hidden = Number(options.hidden);
  const config = bertConfig({
    vocabSize: tokenizer.vocabSize, hiddenSize: hidden, numHiddenLayers: Number(options.layers), numAttentionHeads: Math.max(1, hidden / 16),
    intermediateSize: 4 * hidden, maxPositionEmbeddings: 64, hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1,
  });
  console.log(`model: BERT from scratch, hidden ${hidden}, ${options.layers} layers, ${config.numAttentionHeads} heads`);
  const out = String(options.out);
  await mkdir(out, { recursive: true });
  const methods: MethodName[] = ['single', 'multi', 'bam'];
  const result = await runExperiment({
    tasks,
    tokenizer,
    base: {
      ...DEFAULT_TRAIN_CONFIG,
      init: { config },
      maxSeqLength: 40,
      batchSize: 32,
      epochs: Number(options.epochs),
      learningRate: 1e-3,
      layerwiseDecay: 0.9,
      evalEvery: 0,
      progress: !options.quiet,
    },
    methods,
    seeds: [Number(options.seed)],
    outDir: out,
    log: (l) => console.log(l),
  });
  console.log(`\nDev results (headline metric ×100; one seed — for significance use \`bam experiment --seeds N\`):\n`);
  console.log(formatTable(result));
  console.log(`\nadapter: ${a.description || a.device}; total time ${fmtTime((performance.now() - t0) / 1000)}; results, logs and plots in ${join(out)}`);
}
