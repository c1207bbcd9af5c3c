import { readFile } from 'node:fs/promises';
import type { TargetMix } from '../distill/targets.js';
import { nonNegative, oneOf, positive, positiveInt } from '../settings/rules.js';
import type { TrainConfig } from '../train/config.js';
import { TRAIN_CONFIG_RULES as R, validateConfigFile } from '../train/validate-config.js';
import { UsageError, type OptionSpec } from './args.js';

/** Options shared by `bam train` and `bam experiment`, mapped onto TrainConfig. */
export const TRAIN_OPTION_SPECS: OptionSpec[] = [
  { name: 'data', type: 'string', help: 'a glue_data folder, or "synthetic" for the embedded suite', default: 'synthetic' },
  { name: 'tasks', type: 'string', help: 'comma-separated task names (GLUE: rte,mrpc,… or RTE,MRPC,…; synthetic: syn-sentiment,…; default all synthetic)' },
  { name: 'scale', type: 'number', help: 'size of the synthetic suite (1 = as designed)', default: 1, rule: positive },
  { name: 'model', type: 'string', help: 'a Hugging Face BERT folder to start from (config.json, model.safetensors, vocab.txt)' },
  { name: 'hidden', type: 'number', help: 'without --model: hidden size of a BERT trained from scratch', default: 64, rule: positiveInt },
  { name: 'layers', type: 'number', help: 'without --model: number of layers', default: 2, rule: positiveInt },
  { name: 'config', type: 'string', help: 'a JSON file of training settings (TrainConfig keys); flags override it' },
  { name: 'epochs', type: 'number', help: 'training epochs', rule: R.epochs },
  { name: 'lr', type: 'number', help: 'peak learning rate', rule: R.learningRate },
  { name: 'batch-size', type: 'number', help: 'examples per step', rule: R.batchSize },
  { name: 'max-seq-length', type: 'number', help: 'tokens per example, [CLS]/[SEP] included', rule: R.maxSeqLength },
  { name: 'warmup', type: 'number', help: 'fraction of steps with linear warm-up', rule: R.warmupProportion },
  {
    name: 'schedule', type: 'string', rule: oneOf(['hf', 'bert']),
    help: "decay after warm-up: hf (Hugging Face's (T-s)/(T-W), the default) or bert (BERT's and the BAM reference's 1 - s/T, as bam run)",
  },
  { name: 'layerwise-decay', type: 'number', help: 'learning-rate decay per layer from the heads down (0 = off)', rule: R.layerwiseDecay },
  { name: 'mix', type: 'string', help: 'task mixing: sample (∝ |D|^α) or reference (multiples + weights)', rule: oneOf(['sample', 'reference']) },
  { name: 'alpha', type: 'number', help: 'task-size exponent α', rule: nonNegative },
  { name: 'targets', type: 'string', help: 'gold | anneal | fixed:<teacher weight> | anneal-no-teacher' },
  { name: 'teachers', type: 'string', help: 'task=dir,… : teacher output folders holding outputs/<task>_train_predictions_1.pkl' },
  { name: 'seed', type: 'number', help: 'seed of the data order, dropout and init', rule: R.seed },
  { name: 'eval-every', type: 'number', help: 'evaluate on dev every N steps (0 = at the end)', rule: R.evalEvery },
  { name: 'checkpoint-every', type: 'number', help: 'save a checkpoint every N steps', default: 200, rule: R.checkpointEvery },
  { name: 'quiet', type: 'bool', help: 'no progress bars', default: false },
];

export function parseTargets(s: string): TargetMix {
  if (s === 'gold' || s === 'anneal' || s === 'anneal-no-teacher') return { kind: s };
  const m = /^fixed:([0-9.]+)$/.exec(s);
  if (m && Number(m[1]) >= 0 && Number(m[1]) <= 1) return { kind: 'fixed', teacherWeight: Number(m[1]) };
  throw new UsageError(`--targets must be gold, anneal, fixed:<weight in [0,1]> or anneal-no-teacher; got "${s}"`);
}

/** TrainConfig fields from a JSON file, checked key by key (unknown keys, types, ranges), naming the file. */
export async function readConfigFile(path: string): Promise<Partial<TrainConfig>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${path}: ${e instanceof Error ? e.message : e}`);
  }
  return validateConfigFile(raw, path);
}

/** Applies flags onto a config. */
export function applyTrainFlags(base: Omit<TrainConfig, 'init' | 'targets'>, o: Record<string, string | number | boolean | undefined>): Omit<TrainConfig, 'init' | 'targets'> {
  const c = { ...base, mix: { ...base.mix } };
  const num = (k: string) => (o[k] === undefined ? undefined : Number(o[k]));
  if (num('epochs') !== undefined) c.epochs = num('epochs')!;
  if (num('lr') !== undefined) c.learningRate = num('lr')!;
  if (num('batch-size') !== undefined) c.batchSize = num('batch-size')!;
  if (num('max-seq-length') !== undefined) c.maxSeqLength = num('max-seq-length')!;
  if (num('warmup') !== undefined) c.warmupProportion = num('warmup')!;
  if (num('layerwise-decay') !== undefined) c.layerwiseDecay = num('layerwise-decay')!;
  if (num('alpha') !== undefined) c.mix.alpha = num('alpha')!;
  if (num('seed') !== undefined) c.seed = num('seed')!;
  if (num('eval-every') !== undefined) c.evalEvery = num('eval-every')!;
  if (num('checkpoint-every') !== undefined) c.checkpointEvery = num('checkpoint-every')!;
  if (o.mix === 'sample' || o.mix === 'reference') c.mix.strategy = o.mix; // the spec's rule refused anything else
  if (o.schedule === 'hf' || o.schedule === 'bert') c.schedule = o.schedule;
  c.progress = !o.quiet;
  return c;
}
