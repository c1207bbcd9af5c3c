import { resolve } from 'node:path';
import { initNode } from '@bamgpu/core/node';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../train/config.js';
import { formatTable, runExperiment, type ExperimentOptions, type ExperimentResult } from '../experiment/experiment.js';
import { ALL_METHODS, methodList, parseMethods, type MethodName } from '../experiment/methods.js';
import type { DataSource } from '../queue/job.js';
import { parseQueueUrl, type QueueConnection } from '../queue/url.js';
import { lockOutputDir } from '../train/output-lock.js';
import { positive, positiveInt } from '../settings/rules.js';
import { parseArgs, usage, UsageError, type OptionSpec, type Parsed } from './args.js';
import { hasWeights, loadSource, tinyConfig } from './load.js';
import { TRAIN_OPTION_SPECS, applyTrainFlags, readConfigFile } from './train-options.js';

const SPECS: OptionSpec[] = [
  { name: 'out', type: 'string', help: 'folder for results.json, table.md and the SVG plots', default: 'runs/experiment' },
  { name: 'methods', type: 'string', help: `comma-separated: ${ALL_METHODS.join(', ')}`, default: ALL_METHODS.join(','), rule: methodList },
  { name: 'seeds', type: 'number', help: 'number of seeds (0..N-1)', default: 3, rule: positiveInt },
  { name: 'single-epochs', type: 'number', help: 'epochs of the single-task teachers (default: --epochs)', rule: positive },
  ...TRAIN_OPTION_SPECS.filter((s) => !['targets', 'teachers', 'seed'].includes(s.name)),
  { name: 'resume', type: 'bool', help: 'reuse the finished runs under <out>/runs and resume the unfinished one', default: false },
  { name: 'overwrite', type: 'bool', help: 'run everything again, replacing <out>/runs', default: false },
  { name: 'queue', type: 'string', help: 'redis://127.0.0.1:PORT, or rediss://user:password@host:port: run the trainings as jobs for `bam worker`s (docs/scale-out.md); finished units are always reused' },
  { name: 'store', type: 'string', help: 'with --queue: the folder shared with the workers, as mounted here (default: --out)' },
  { name: 'poll-ms', type: 'number', help: 'with --queue: milliseconds between looks at the jobs', default: 500, rule: positiveInt },
  { name: 'help', type: 'bool', help: 'show this help', default: false },
];

/** `bam experiment`: the paper's comparison and ablations over N seeds. */
export async function experimentCommand(argv: readonly string[]): Promise<void> {
  const { options: o } = parseArgs(argv, SPECS, 'bam experiment');
  if (o.help) {
    console.log(usage('bam experiment [options]', 'Single, Multi, BAM and the ablations over N seeds, with Mann–Whitney U and paired tests, and plots.', SPECS));
    return;
  }
  const methods = parseMethods(String(o.methods));
  const seeds = Array.from({ length: Number(o.seeds) }, (_, i) => i);
  if (seeds.length === 0) throw new UsageError('--seeds must be at least 1');
  const fileCfg = o.config ? await readConfigFile(String(o.config)) : {};
  const base = applyTrainFlags({ ...DEFAULT_TRAIN_CONFIG, ...fileCfg, evalEvery: fileCfg.evalEvery ?? 50 }, o);
  if (o.resume && o.overwrite) throw new UsageError('bam experiment: --resume and --overwrite exclude each other');
  // Checked before any GPU work or data loading: a bad or unsafe --queue fails at once.
  const queue = o.queue === undefined ? null : parseQueueUrl(String(o.queue));
  if (!queue && o.store !== undefined) throw new UsageError('bam experiment: --store goes with --queue');
  if (queue && o.overwrite) throw new UsageError('bam experiment: --overwrite does not go with --queue (finished units are reused by their content address; delete their folders under <store>/runs to train them again)');
  const release = await lockOutputDir(String(o.out));
  try {
    await experimentLocked(o, methods, seeds, fileCfg, base, queue);
  } finally {
    await release();
  }
}

async function experimentLocked(
  o: Parsed['options'],
  methods: MethodName[],
  seeds: number[],
  fileCfg: Partial<TrainConfig>,
  base: Omit<TrainConfig, 'init' | 'targets'>,
  queue: QueueConnection | null,
): Promise<void> {
  // On the queue the workers train: this process needs no GPU.
  if (!queue) {
    const rt = await initNode();
    console.log(`adapter: ${rt.adapter.description || rt.adapter.device}`);
  }
  const modelDir = o.model ? resolve(String(o.model)) : undefined;
  const data = String(o.data) === 'synthetic' ? 'synthetic' : resolve(String(o.data));
  const names = o.tasks ? String(o.tasks).split(',').map((s) => s.trim()).filter(Boolean) : null;
  const source: DataSource = { data, tasks: names, scale: Number(o.scale), ...(modelDir ? { model: modelDir } : {}) };
  const { tasks, tokenizer } = await loadSource(source);
  let init: TrainConfig['init'];
  if (modelDir) {
    if (!(await hasWeights(modelDir))) throw new UsageError(`--model ${modelDir}: no model.safetensors in that folder`);
    init = { pretrained: modelDir };
  } else init = { config: tinyConfig(tokenizer.vocabSize, Number(o.hidden), Number(o.layers)) };
  const options: ExperimentOptions = {
    tasks,
    tokenizer,
    base: { ...base, init },
    single: o['single-epochs'] === undefined ? undefined : { epochs: Number(o['single-epochs']) },
    methods,
    seeds,
    outDir: String(o.out),
    resumable: true,
    resume: Boolean(o.resume),
    overwrite: Boolean(o.overwrite),
    log: (l) => console.log(l),
  };
  let result: ExperimentResult;
  if (queue) {
    // bullmq is loaded only here and by `bam worker`: a local run needs no Redis client at all.
    const { runExperimentOnQueue } = await import('../queue/submit.js');
    const store = resolve(String(o.store ?? o.out));
    result = await runExperimentOnQueue(options, { connection: queue, store, source, pollMs: Number(o['poll-ms']), log: options.log! });
  } else result = await runExperiment(options);
  console.log(`\n${formatTable(result)}\n\nresults.json, table.md and SVG plots in ${o.out}`);
}
