/**
 * The rules every TrainConfig obeys, wherever it came from. `train()` checks
 * the whole config before any GPU work; `--config` files are checked key by
 * key when read, so their messages name the file.
 */
import { SettingsError, bool, checkObject, fraction, nonNegative, nonNegativeInt, objectOf, oneOf, optional, positive, positiveInt, recordOf, str, type Rule } from '../settings/rules.js';
import type { TrainConfig } from './config.js';

const mixRule: Rule = objectOf(
  { strategy: oneOf(['sample', 'reference']), alpha: nonNegative, datasetMultiples: optional(bool), sizeTable: optional(recordOf(positive)), reshuffleEachEpoch: optional(bool) },
  ['strategy', 'alpha'],
);

const TARGET_KINDS = ['gold', 'anneal', 'fixed', 'anneal-no-teacher'];
const targetsRule: Rule = (v) => {
  const kind = (v as { kind?: unknown } | null)?.kind;
  const k = oneOf(TARGET_KINDS)(kind);
  if (k) return `.kind ${k}`;
  return kind === 'fixed' ? objectOf({ kind: str, teacherWeight: fraction }, ['teacherWeight'])(v) : objectOf({ kind: str })(v);
};

const nonEmptyString: Rule = (v) => (typeof v === 'string' && v.length > 0 ? null : `must be a non-empty string, got ${JSON.stringify(v)}`);

const initRule: Rule = (v) => {
  if (v === null || typeof v !== 'object') return 'must be { config } or { pretrained: <folder> }';
  if ('pretrained' in v) return nonEmptyString((v as { pretrained: unknown }).pretrained);
  if ('config' in v && typeof (v as { config: unknown }).config === 'object') return null;
  return 'must be { config } or { pretrained: <folder> }';
};

/** One rule per TrainConfig key. Keys a `--config` file may set are FILE_KEYS. */
export const TRAIN_CONFIG_RULES: Readonly<Record<keyof TrainConfig, Rule>> = {
  init: initRule,
  // [CLS], at least one token and [SEP]; pairs need their second [SEP] too.
  maxSeqLength: (v) => positiveInt(v) ?? ((v as number) < 3 ? `must be an integer ≥ 3, got ${v}` : null),
  batchSize: positiveInt,
  epochs: positive,
  learningRate: positive,
  warmupProportion: fraction,
  schedule: optional(oneOf(['hf', 'bert'])),
  layerwiseDecay: fraction,
  layerwiseLayers: optional(positiveInt),
  headInit: optional(oneOf(['normal', 'glorot-uniform'])),
  weightDecay: nonNegative,
  maxGradNorm: nonNegative,
  biasCorrection: bool,
  mix: mixRule,
  targets: targetsRule,
  doubleUnordered: bool,
  seed: nonNegativeInt,
  evalEvery: nonNegativeInt,
  evalCount: nonNegativeInt,
  evalBatchSize: positiveInt,
  outputDir: optional(nonEmptyString),
  checkpointEvery: nonNegativeInt,
  resume: bool,
  overwrite: optional(bool),
  allowMissingWeights: optional(bool),
  stopAfter: optional(positiveInt),
  progress: bool,
  label: optional(str),
};

/** Keys a `--config` JSON file may hold (everything but where the model and outputs come from). */
export const FILE_KEYS: readonly (keyof TrainConfig)[] = (Object.keys(TRAIN_CONFIG_RULES) as (keyof TrainConfig)[]).filter(
  (k) => !['init', 'outputDir', 'resume', 'overwrite', 'allowMissingWeights', 'label'].includes(k),
);

/** Checks a complete TrainConfig; throws SettingsError naming the first bad key. */
export function validateTrainConfig(cfg: TrainConfig): void {
  checkObject(cfg, TRAIN_CONFIG_RULES, 'train config: ');
  if (cfg.resume && cfg.overwrite) throw new SettingsError('train config: resume and overwrite exclude each other (continue the checkpoint, or replace it)');
}

/**
 * Checks the keys a `--config` file sets (a partial TrainConfig), naming
 * the file: `--config run.json: mix.strategy must be one of sample, reference; …`.
 */
export function validateConfigFile(raw: unknown, path: string): Partial<TrainConfig> {
  const rules = Object.fromEntries(FILE_KEYS.map((k) => [k, optional(TRAIN_CONFIG_RULES[k])]));
  checkObject(raw, rules, `--config ${path}: `);
  return raw as Partial<TrainConfig>;
}
