import { initNode } from '@bamgpu/core/node';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../train/config.js';
import { formatTable, runExperiment } from '../experiment/experiment.js';
import { ALL_METHODS, parseMethods, type MethodName } from '../experiment/methods.js';
import { lockOutputDir } from '../train/output-lock.js';
import { positive, positiveInt } from '../settings/rules.js';
import { parseArgs, usage, UsageError, type OptionSpec, type Parsed } from './args.js';
import { hasWeights, loadTasks, loadTokenizer, tinyConfig } from './load.js';
import { TRAIN_OPTION_SPECS, applyTrainFlags, readConfigFile } from './train-options.js';

const SPECS: OptionSpec[] = [
  { name: 'out', type: 'string', help: 'folder for results.json, table.md and the SVG plots', default: 'runs/experiment' },
  { name: 'methods', type: 'string', help: `comma-separated: ${ALL_METHODS.join(', ')}`, default: ALL_METHODS.join(',') },
  { name: 'seeds', type: 'number', help: 'number of seeds (0..N-1)', default: 3, rule: positiveInt },
  { name: 'single-epochs', type: 'number', help: 'epochs of the single-task teachers (default: --epochs)', rule: positive },
  ...TRAIN_OPTION_SPECS.filter((s) => !['targets', 'teachers', 'seed'].includes(s.name)),
  { name: 'resume', type: 'bool', help: 'reuse the finished runs under <out>/runs and resume the unfinished one', default: false },
  { name: 'overwrite', type: 'bool', help: 'run everything again, replacing <out>/runs', default: false },
  { name: 'help', type: 'bool', help: 'show this help', default: false },
];

/** `bam experiment`: the paper's comparison and ablations over N seeds. */
export async function experimentCommand(argv: readonly string[]): Promise<void> {
  const { options: o } = parseArgs(argv, SPECS, 'bam experiment');
  if (o.help) {
    console.log(usage('bam experiment [options]', 'Single, Multi, BAM and the ablations over N seeds, with Mann–Whitney U tests and plots.', SPECS));
    return;
  }
  const methods = parseMethods(String(o.methods));
  const seeds = Array.from({ length: Number(o.seeds) }, (_, i) => i);
  if (seeds.length === 0) throw new UsageError('--seeds must be at least 1');
  const fileCfg = o.config ? await readConfigFile(String(o.config)) : {};
  const base = applyTrainFlags({ ...DEFAULT_TRAIN_CONFIG, ...fileCfg, evalEvery: fileCfg.evalEvery ?? 50 }, o);
  if (o.resume && o.overwrite) throw new UsageError('bam experiment: --resume and --overwrite exclude each other');
  const release = await lockOutputDir(String(o.out));
  try {
    await experimentLocked(o, methods, seeds, fileCfg, base);
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
): Promise<void> {
  const rt = await initNode();
  console.log(`adapter: ${rt.adapter.description || rt.adapter.device}`);
  const names = o.tasks ? String(o.tasks).split(',').map((s) => s.trim()).filter(Boolean) : null;
  const { tasks, vocabTxt } = await loadTasks(String(o.data), names, { scale: Number(o.scale) });
  const modelDir = o.model ? String(o.model) : undefined;
  const tokenizer = await loadTokenizer(modelDir, vocabTxt);
  let init: TrainConfig['init'];
  if (modelDir) {
    if (!(await hasWeights(modelDir))) throw new UsageError(`--model ${modelDir}: no model.safetensors in that folder`);
    init = { pretrained: modelDir };
  } else init = { config: tinyConfig(tokenizer.vocabSize, Number(o.hidden), Number(o.layers)) };
  const result = await runExperiment({
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
  });
  console.log(`\n${formatTable(result)}\n\nresults.json, table.md and SVG plots in ${o.out}`);
}
