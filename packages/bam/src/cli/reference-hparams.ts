import { bool, fraction, listOf, nonNegative, nonNegativeInt, nullable, positive, positiveInt, recordOf, str, type Rule } from '../settings/rules.js';
import { TRAIN_CONFIG_RULES } from '../train/validate-config.js';
import { HparamsError } from './hparams-error.js';

export { HparamsError } from './hparams-error.js';

/**
 * The BAM reference's hyperparameters (google-research bam/configure.py),
 * with its defaults and its rules: unknown keys are refused, single-task and
 * debug runs get their own defaults, and whatever the user passed wins.
 */
export interface ReferenceHparams {
  model_name: string;
  debug: boolean;
  num_trials: number;
  write_test_outputs: boolean;
  write_distill_outputs: boolean;
  n_writes_test: number;
  n_writes_distill: number;
  task_names: string[];
  pretrained: boolean;
  pretrained_model_name: string;
  do_lower_case: boolean;
  learning_rate: number;
  weight_decay_rate: number;
  lr_decay: number;
  num_train_epochs: number;
  warmup_proportion: number;
  distill: boolean;
  teachers: Record<string, string>;
  teacher_annealing: boolean;
  distill_weight: number;
  max_seq_length: number;
  train_batch_size: number;
  eval_batch_size: number;
  predict_batch_size: number;
  double_unordered: boolean;
  task_weight_exponent: number;
  dataset_multiples: boolean;
  save_checkpoints_steps: number;
  iterations_per_loop: number;
  use_tfrecords_if_existing: boolean;
  use_tpu: boolean;
  num_tpu_cores: number;
  tpu_name: string | null;
  tpu_zone: string | null;
  gcp_project: string | null;
  /**
   * Extension (not in the reference): keep each trial's trained model in
   * models/<model_name>/model_<trial>/ (a folder `bam predict` reads) instead
   * of deleting it with the checkpoints. Off by default, as the reference keeps nothing.
   */
  keep_model: boolean;
}

/** The task names the reference's task_builder knows: lowercase only, no WNLI. */
export const REFERENCE_TASK_NAMES: readonly string[] = ['cola', 'mnli', 'mrpc', 'qnli', 'qqp', 'rte', 'sst', 'sts'];

/** Keys bamgpu adds to the reference's; every other key is the reference's own. */
export const EXTENSION_HPARAMS: readonly (keyof ReferenceHparams)[] = ['keep_model'];

export function referenceDefaults(modelName: string): ReferenceHparams {
  return {
    model_name: modelName,
    debug: false,
    num_trials: 1,
    write_test_outputs: true,
    write_distill_outputs: true,
    n_writes_test: 1,
    n_writes_distill: 1,
    task_names: ['rte', 'mrpc'],
    pretrained: true,
    pretrained_model_name: 'uncased_L-12_H-768_A-12',
    do_lower_case: true,
    learning_rate: 1e-4,
    weight_decay_rate: 0.01,
    lr_decay: 0.9,
    num_train_epochs: 6.0,
    warmup_proportion: 0.1,
    distill: false,
    teachers: {},
    teacher_annealing: true,
    distill_weight: 0.5,
    max_seq_length: 128,
    train_batch_size: 128,
    eval_batch_size: 8,
    predict_batch_size: 8,
    double_unordered: true,
    task_weight_exponent: 0.75,
    dataset_multiples: true,
    save_checkpoints_steps: 2000,
    iterations_per_loop: 100,
    use_tfrecords_if_existing: true,
    use_tpu: false,
    num_tpu_cores: 8,
    tpu_name: null,
    tpu_zone: null,
    gcp_project: null,
    keep_model: false,
  };
}

const seqLength = TRAIN_CONFIG_RULES.maxSeqLength;

/**
 * Type and range of every hparam. The reference takes whatever JSON gives
 * (`"debug": "false"` is a truthy string there); here a wrong type or an
 * impossible value is refused, naming the key, before anything runs.
 */
const HPARAM_RULES: Readonly<Record<keyof ReferenceHparams, Rule>> = {
  model_name: str,
  debug: bool,
  num_trials: positiveInt,
  write_test_outputs: bool,
  write_distill_outputs: bool,
  n_writes_test: nonNegativeInt,
  n_writes_distill: nonNegativeInt,
  task_names: listOf(str, { nonEmpty: true }),
  pretrained: bool,
  pretrained_model_name: str,
  do_lower_case: bool,
  learning_rate: positive,
  weight_decay_rate: nonNegative,
  lr_decay: fraction,
  num_train_epochs: positive,
  warmup_proportion: fraction,
  distill: bool,
  teachers: recordOf(str),
  teacher_annealing: bool,
  distill_weight: fraction,
  max_seq_length: seqLength,
  train_batch_size: positiveInt,
  eval_batch_size: positiveInt,
  predict_batch_size: positiveInt,
  double_unordered: bool,
  task_weight_exponent: nonNegative,
  dataset_multiples: bool,
  save_checkpoints_steps: nonNegativeInt,
  iterations_per_loop: positiveInt,
  use_tfrecords_if_existing: bool,
  use_tpu: bool,
  num_tpu_cores: positiveInt,
  tpu_name: nullable(str),
  tpu_zone: nullable(str),
  gcp_project: nullable(str),
  keep_model: bool,
};

/** Parses the JSON hparams and applies them as configure.Config does; a HparamsError names the key at fault. */
export function resolveReferenceHparams(modelName: string, json: string): ReferenceHparams {
  let given: unknown;
  try {
    given = JSON.parse(json);
  } catch (e) {
    throw new HparamsError(null, `not valid JSON: ${e instanceof Error ? e.message : e} (got: ${json.slice(0, 200)})`);
  }
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new HparamsError(null, `must be a JSON object, got: ${json.slice(0, 200)}`);
  const h = referenceDefaults(modelName);
  const valid = Object.keys(h) as (keyof ReferenceHparams)[];
  const entries = Object.entries(given as Record<string, unknown>);
  for (const [k, v] of entries) {
    const key = valid.find((name) => name === k);
    if (key === undefined) throw new HparamsError(k, `unknown argument (as the reference, unknown hparams are refused); valid keys: ${valid.join(', ')}`);
    const problem = HPARAM_RULES[key](v);
    if (problem) throw new HparamsError(key, problem);
  }
  const update = () => {
    for (const [k, v] of entries) (h as unknown as Record<string, unknown>)[k] = v;
  };
  update();
  if (h.task_names.length === 1) {
    h.dataset_multiples = false;
    h.train_batch_size = 32;
    h.num_train_epochs = 3.0;
    h.learning_rate = 5e-5;
  }
  if (h.debug) {
    h.save_checkpoints_steps = 1000000;
    h.use_tfrecords_if_existing = false;
    h.iterations_per_loop = 1;
    h.train_batch_size = 32;
    h.num_train_epochs = 3.0;
    h.dataset_multiples = false;
  }
  update();
  if (h.distill) {
    const missing = h.task_names.filter((t) => !Object.prototype.hasOwnProperty.call(h.teachers, t));
    if (missing.length) throw new HparamsError('teachers', `distill is on but there is no model for: ${missing.join(', ')} (teachers maps each task to the model_name of its teacher)`);
  }
  // task_builder.get_task raises ValueError("Unknown task ...") for anything
  // else: upper-case names, WNLI (bam train takes those, bam run does not).
  const unknown = h.task_names.filter((t) => !REFERENCE_TASK_NAMES.includes(t));
  if (unknown.length) {
    throw new HparamsError('task_names', `unknown task ${unknown.map((t) => JSON.stringify(t)).join(', ')}; the reference knows only ${REFERENCE_TASK_NAMES.join(', ')} (lowercase; no wnli)`);
  }
  return h;
}
