import { readFile, rename, rm } from 'node:fs/promises';
import { makeDir, writeFileNamed } from '../io/fs-safe.js';
import { lockOutputDir, removeLeftovers } from '../train/output-lock.js';
import { join } from 'node:path';
import { initNode } from '@bamgpu/core/node';
import { BertTokenizer, type BertConfig, type BertMultiTask } from '@bamgpu/bert/node';
import { writePickle, type PickleValue } from '../io/pickle.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../train/config.js';
import { featurize } from '../train/features.js';
import { REFERENCE_GLUE_SIZES } from '../train/mixer.js';
import { scorePredictions } from '../train/evaluate.js';
import { predict, type Prediction } from '../train/predict.js';
import { predictTrainSets, writeTrainPredictions } from '../train/predictions.js';
import { loadGlueTask, readSplit } from '../train/sources.js';
import type { TrainTask } from '../train/task.js';
import { readTeacherPredictions, teacherPredictionsPath, type TeacherPredictions } from '../train/teachers.js';
import { train, type LogEvent } from '../train/trainer.js';
import { predictedTestSplits, resolveGlueTask } from '../glue/tasks.js';
import type { Example } from '../data/example.js';
import { hasWeights, readModelConfig } from './load.js';
import { HparamsError, resolveReferenceHparams, type ReferenceHparams } from './reference-hparams.js';
import { UsageError } from './args.js';

type Metrics = Record<string, number>;

/** Metrics the reference reports per task (×100, from the one scorer), and the mean dev loss. */
function referenceMetrics(task: TrainTask, gold: number[], preds: Prediction[]): Metrics {
  const metrics = task.kind === 'regression' ? (['pearson', 'spearman'] as const) : task.name === 'cola' ? (['mcc'] as const) : (['accuracy'] as const);
  const scores = scorePredictions(task, gold, preds, metrics);
  const m: Metrics = Object.fromEntries(metrics.map((k) => [k, 100 * scores[k]!]));
  if (task.kind === 'regression') {
    const p = preds as number[];
    m.mse = p.reduce((a, x, i) => a + (x - gold[i]) ** 2, 0) / p.length;
    m.loss = m.mse;
    return m;
  }
  const logits = preds as number[][];
  m.loss = logits.reduce((a, l, i) => {
    const mx = Math.max(...l);
    const lse = mx + Math.log(l.reduce((s, x) => s + Math.exp(x - mx), 0));
    return a + lse - l[gold[i]];
  }, 0) / logits.length;
  return m;
}


async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFileNamed(tmp, data);
  await rename(tmp, path);
}

/**
 * The layer count L of the layer-wise rates, from the model name as the
 * reference reads it (optimization._get_edecay_lrs: the text between "L-" and
 * the next "_"), so debug mode's 3-layer model still uses the name's L = 12.
 * A name without "L-<n>" (a Hugging Face name; the reference would crash)
 * falls back to the config's layer count. Null when layer-wise rates are off.
 */
export function referenceLayerCount(h: Pick<ReferenceHparams, 'pretrained_model_name' | 'lr_decay'>, modelLayers: number): number | null {
  if (h.lr_decay <= 0) return null;
  const m = /L-(\d+)(?:_|$)/.exec(h.pretrained_model_name);
  const layers = m ? Number(m[1]) : modelLayers;
  // The reference has no rate for a /layer_i/ beyond the name's count and raises.
  if (layers < modelLayers) {
    throw new HparamsError('pretrained_model_name', `"${h.pretrained_model_name}" names ${layers} layer(s) but the model has ${modelLayers}; the layer-wise rates would have no depth for the top layers`);
  }
  return layers;
}

/**
 * The tokenizer the reference builds: stock BERT's FullTokenizer on vocab.txt
 * with do_lower_case from the hparams, which both lowercases and strips
 * accents (false: neither); tokenizer_config.json is not consulted.
 */
export async function referenceTokenizer(pretrainedDir: string, doLowerCase: boolean): Promise<BertTokenizer> {
  const read = await BertTokenizer.fromPretrained(pretrainedDir);
  const tokens = read.convertIdsToTokens(Array.from({ length: read.vocabSize }, (_, i) => i));
  return new BertTokenizer(tokens, { lowercase: doLowerCase, stripAccents: doLowerCase }, join(pretrainedDir, 'vocab.txt'));
}

/**
 * The training settings of one `bam run` trial: the reference's optimiser
 * (no bias correction, clip 1, BERT's schedule), its data order (multiples,
 * padding shuffled in, a new order each epoch), its heads (Glorot-uniform) and
 * the layer count from the model name.
 */
export function referenceTrainConfig(h: ReferenceHparams, init: TrainConfig['init'], layers: number | null, trial: number, checkpoints: string): TrainConfig {
  return {
    ...DEFAULT_TRAIN_CONFIG,
    init,
    maxSeqLength: h.max_seq_length,
    batchSize: h.train_batch_size,
    epochs: h.num_train_epochs,
    learningRate: h.learning_rate,
    warmupProportion: h.warmup_proportion,
    schedule: 'bert',
    layerwiseDecay: h.lr_decay,
    ...(layers !== null ? { layerwiseLayers: layers } : {}),
    headInit: 'glorot-uniform',
    weightDecay: h.weight_decay_rate,
    maxGradNorm: 1,
    biasCorrection: false,
    mix: {
      strategy: 'reference', alpha: h.task_weight_exponent, datasetMultiples: h.dataset_multiples, sizeTable: REFERENCE_GLUE_SIZES,
      reshuffleEachEpoch: true,
    },
    targets: h.distill ? (h.teacher_annealing ? { kind: 'anneal' } : { kind: 'fixed', teacherWeight: h.distill_weight }) : { kind: 'gold' },
    doubleUnordered: h.double_unordered,
    seed: trial,
    evalBatchSize: h.predict_batch_size,
    outputDir: checkpoints,
    checkpointEvery: h.save_checkpoints_steps,
    label: `${h.model_name} trial ${trial}`,
  };
}

/** Observers of a run (tests): the trainer's log events of every trial. */
export interface RunReferenceHooks {
  onEvent?: (e: LogEvent, trial: number) => void;
}

/**
 * `bam run <model_name> <bam_dir> '<json hparams>'`: the reference's
 * command, directory layout, hparam keys and output files, on WebGPU.
 */
export async function runReference(argv: readonly string[], hooks: RunReferenceHooks = {}): Promise<void> {
  const help =
    "usage: bam run <model_name> <bam_dir> '<json hparams>'\n\n" +
    'A drop-in for `python -m bam.run_classifier`: reads $BAM_DIR/glue_data/<task>, $BAM_DIR/pretrained_models/<name>,\n' +
    'writes $BAM_DIR/models/<model_name>/{results.txt,results.pkl,outputs/<task>_train_predictions_<trial>.pkl,…}.\n' +
    'See docs/bam-reference.md for every hparam key.';
  // Asked-for help goes to stdout with success, as every other command's; a missing argument is a usage error.
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(help);
    return;
  }
  if (argv.length < 3) throw new UsageError(help);
  if (argv.length > 3) throw new UsageError(`bam run: takes exactly 3 arguments (model_name, bam_dir, JSON hparams), got ${argv.length}: ${argv.map((a) => JSON.stringify(a)).join(' ')}`);
  const [modelName, bamDir, json] = argv;
  const h = resolveReferenceHparams(modelName, json);
  // A model_name in the JSON overrides argv's, and every path follows it (configure.Config).
  const modelDir = join(bamDir, 'models', h.model_name);
  // The model folder is locked (one run at a time) before the GPU is touched.
  const release = await lockOutputDir(modelDir);
  try {
    await runLocked(h, bamDir, modelDir, hooks);
  } finally {
    await release();
  }
}

async function runLocked(h: ReferenceHparams, bamDir: string, modelDir: string, hooks: RunReferenceHooks): Promise<void> {
  const glueDir = join(bamDir, 'glue_data');
  const pretrainedDir = join(bamDir, 'pretrained_models', h.pretrained_model_name);
  const outputs = join(modelDir, 'outputs');
  const maxLines = h.debug ? 50 : undefined;

  // Everything the run reads is read and checked before the GPU is touched.
  let modelConfig: BertConfig = await readModelConfig(pretrainedDir);
  // The reference's debug model: 3 layers, hidden 144, random init; heads as in bert_config.json.
  if (h.debug) modelConfig = { ...modelConfig, numHiddenLayers: 3, hiddenSize: 144 };
  // MultitaskModel asserts max_seq_length <= max_position_embeddings; refused here before any work.
  if (h.max_seq_length > modelConfig.maxPositionEmbeddings) {
    throw new HparamsError('max_seq_length', `${h.max_seq_length} is more than the model's max_position_embeddings (${modelConfig.maxPositionEmbeddings}, ${pretrainedDir})`);
  }
  const layers = referenceLayerCount(h, modelConfig.numHiddenLayers);
  let init: TrainConfig['init'];
  if (h.debug) init = { config: modelConfig };
  else {
    if (!(await hasWeights(pretrainedDir))) {
      throw new Error(
        `${pretrainedDir}: no model.safetensors. bamgpu reads Hugging Face checkpoints; convert the TensorFlow release ` +
          '(bert_model.ckpt) once with transformers (BertForPreTraining.from_pretrained(dir, from_tf=True).save_pretrained(out, safe_serialization=True)) ' +
          'or download the Hugging Face version of the same model into that folder.',
      );
    }
    init = { pretrained: pretrainedDir };
  }
  const tasks: TrainTask[] = [];
  for (const name of h.task_names) tasks.push(await loadGlueTask(glueDir, name, { maxLines }));
  const tokenizer = await referenceTokenizer(pretrainedDir, h.do_lower_case);
  // The reference reads every test split when it writes test outputs and
  // raises on a missing or malformed file; here that happens up front, not after training.
  const testSets: { task: number; name: string; examples: Example[] }[] = [];
  if (h.write_test_outputs && h.n_writes_test >= 1) {
    for (let ti = 0; ti < tasks.length; ti++) {
      for (const split of predictedTestSplits(tasks[ti].name)) {
        testSets.push({ task: ti, name: split.name, examples: await readSplit(glueDir, split.source, split.split, maxLines) });
      }
    }
  }
  const teachers = new Map<string, { predictions: TeacherPredictions; source: string }>();
  if (h.distill) {
    for (const t of h.task_names) {
      const path = teacherPredictionsPath(join(bamDir, 'models', h.teachers[t]), t, 1);
      teachers.set(t, { predictions: await readTeacherPredictions(path, t), source: path });
    }
  }

  await makeDir(outputs);
  await removeLeftovers(modelDir);
  await rm(join(modelDir, 'checkpoints'), { recursive: true, force: true });
  const rt = await initNode();
  console.log(`bam run ${h.model_name}: tasks ${h.task_names.join(', ')} on ${rt.adapter.description || rt.adapter.device}`);

  const results: Map<string, Map<string, number>>[] = [];
  const lines: string[] = [];
  for (let trial = 1; trial <= h.num_trials; trial++) {
    const config = referenceTrainConfig(h, init, layers, trial, join(modelDir, 'checkpoints'));
    const onEvent = hooks.onEvent ? (e: LogEvent) => hooks.onEvent!(e, trial) : undefined;
    const r = await train({ tasks, tokenizer, config, teachers: h.distill ? teachers : undefined, onEvent });
    const trialResults = new Map<string, Map<string, number>>();
    for (let ti = 0; ti < tasks.length; ti++) {
      const task = tasks[ti];
      const dev = featurize(task, ti, task.dev, tokenizer, h.max_seq_length, { where: `${task.name} dev` });
      const preds = await predict(r.model, task.name, dev, h.predict_batch_size, task.kind === 'regression');
      const m = referenceMetrics(task, dev.map((f) => f.gold), preds);
      trialResults.set(task.name, new Map(Object.entries(m)));
      lines.push(`${task.name}: ${Object.entries(m).map(([k, v]) => `${k}: ${v.toFixed(2)}`).join(' - ')}`);
    }
    results.push(trialResults);
    await writeAtomic(join(modelDir, 'results.txt'), `${lines.join('\n')}\n`);
    await writeAtomic(join(modelDir, 'results.pkl'), writePickle(results as unknown as PickleValue));
    console.log(lines.slice(-tasks.length).join('\n'));
    if (h.write_distill_outputs && trial <= h.n_writes_distill) {
      const preds = await predictTrainSets(r.model, tasks, r.trainFeatures, h.predict_batch_size);
      await writeTrainPredictions(modelDir, preds, trial);
    }
    if (h.write_test_outputs && trial <= h.n_writes_test) {
      for (const set of testSets) {
        const task = tasks[set.task];
        const feats = featurize(task, set.task, set.examples, tokenizer, h.max_seq_length, { labelled: false });
        const preds = await predict(r.model, task.name, feats, h.predict_batch_size, task.kind === 'regression');
        const out = new Map<PickleValue, PickleValue>();
        feats.forEach((f, i) => out.set(f.eid, preds[i]));
        await writeAtomic(join(outputs, `${task.name}_${set.name}_predictions_${trial}.pkl`), writePickle(out));
      }
    }
    if (h.keep_model) await keepModel(r.model, join(modelDir, `model_${trial}`), pretrainedDir, h.do_lower_case);
    r.model.dispose();
    // The reference deletes checkpoints after each trial.
    await rm(join(modelDir, 'checkpoints'), { recursive: true, force: true });
  }
}

/**
 * keep_model (extension): the trial's model as a folder `bam predict --model`
 * reads: weights and config with the task list, the vocabulary, and a
 * tokenizer_config.json that records do_lower_case so it tokenizes as the run did.
 */
async function keepModel(model: BertMultiTask, dir: string, pretrainedDir: string, doLowerCase: boolean): Promise<void> {
  model.assets.set('vocab.txt', await readFile(join(pretrainedDir, 'vocab.txt'), 'utf8'));
  model.assets.set('tokenizer_config.json', `${JSON.stringify({ do_lower_case: doLowerCase, strip_accents: doLowerCase })}\n`);
  await rm(dir, { recursive: true, force: true });
  await model.save(dir);
}
