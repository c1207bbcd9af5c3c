import { rename, rm } from 'node:fs/promises';
import { makeDir, writeFileNamed } from '../io/fs-safe.js';
import { lockOutputDir, removeLeftovers } from '../train/output-lock.js';
import { join } from 'node:path';
import { initNode } from '@bamgpu/core/node';
import * as metricsFns from '../glue/metrics.js';
import { writePickle, type PickleValue } from '../io/pickle.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../train/config.js';
import { featurize } from '../train/features.js';
import { REFERENCE_GLUE_SIZES } from '../train/mixer.js';
import { predict, type Prediction } from '../train/predict.js';
import { predictTrainSets, writeTrainPredictions } from '../train/predictions.js';
import { GlueFileNotFoundError, loadGlueTask, readSplit } from '../train/sources.js';
import type { TrainTask } from '../train/task.js';
import { readTeacherPredictions, teacherPredictionsPath, type TeacherPredictions } from '../train/teachers.js';
import { train } from '../train/trainer.js';
import { glueTestSplits, resolveGlueTask } from '../glue/tasks.js';
import { hasWeights, loadTokenizer, readModelConfig } from './load.js';
import { resolveReferenceHparams, type ReferenceHparams } from './reference-hparams.js';
import { UsageError } from './args.js';

type Metrics = Record<string, number>;

/** Metrics the reference reports per task (×100 where it scales them), and the mean dev loss. */
function referenceMetrics(task: TrainTask, gold: number[], preds: Prediction[]): Metrics {
  const m: Metrics = {};
  if (task.kind === 'regression') {
    const p = preds as number[];
    const { pearsonCorrelation, spearmanCorrelation } = metricsFns;
    m.pearson = 100 * pearsonCorrelation(p, gold);
    m.spearman = 100 * spearmanCorrelation(p, gold);
    m.mse = p.reduce((a, x, i) => a + (x - gold[i]) ** 2, 0) / p.length;
    m.loss = m.mse;
    return m;
  }
  const logits = preds as number[][];
  const argmax = logits.map((l) => l.indexOf(Math.max(...l)));
  if (task.name === 'cola') m.mcc = 100 * metricsFns.matthewsCorrelation(argmax, gold);
  else m.accuracy = 100 * metricsFns.accuracy(argmax, gold);
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
 * `bam run <model_name> <bam_dir> '<json hparams>'`: the reference's
 * command, directory layout, hparam keys and output files, on WebGPU.
 */
export async function runReference(argv: readonly string[]): Promise<void> {
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
  const modelDir = join(bamDir, 'models', modelName);
  // The model folder is locked (one run at a time) before the GPU is touched.
  const release = await lockOutputDir(modelDir);
  try {
    await runLocked(h, modelName, bamDir, modelDir);
  } finally {
    await release();
  }
}

async function runLocked(h: ReferenceHparams, modelName: string, bamDir: string, modelDir: string): Promise<void> {
  const glueDir = join(bamDir, 'glue_data');
  const pretrainedDir = join(bamDir, 'pretrained_models', h.pretrained_model_name);
  const outputs = join(modelDir, 'outputs');
  await makeDir(outputs);
  await removeLeftovers(modelDir);
  await rm(join(modelDir, 'checkpoints'), { recursive: true, force: true });
  const rt = await initNode();
  console.log(`bam run ${modelName}: tasks ${h.task_names.join(', ')} on ${rt.adapter.description || rt.adapter.device}`);

  const tasks: TrainTask[] = [];
  for (const name of h.task_names) tasks.push(await loadGlueTask(glueDir, name, { maxLines: h.debug ? 50 : undefined }));
  const tokenizer = await loadTokenizer(pretrainedDir, undefined, h.do_lower_case);
  let init: TrainConfig['init'];
  if (h.debug) {
    // The reference's debug model: 3 layers, hidden 144, random init; heads as in bert_config.json.
    const c = await readModelConfig(pretrainedDir);
    init = { config: { ...c, numHiddenLayers: 3, hiddenSize: 144 } };
  } else {
    if (!(await hasWeights(pretrainedDir))) {
      throw new Error(
        `${pretrainedDir}: no model.safetensors. bamgpu reads Hugging Face checkpoints; convert the TensorFlow release ` +
          '(bert_model.ckpt) once with transformers (BertForPreTraining.from_pretrained(dir, from_tf=True).save_pretrained(out, safe_serialization=True)) ' +
          'or download the Hugging Face version of the same model into that folder.',
      );
    }
    init = { pretrained: pretrainedDir };
  }

  const teachers = new Map<string, { predictions: TeacherPredictions; source: string }>();
  if (h.distill) {
    for (const t of h.task_names) {
      const path = teacherPredictionsPath(join(bamDir, 'models', h.teachers[t]), t, 1);
      teachers.set(t, { predictions: await readTeacherPredictions(path, t), source: path });
    }
  }

  const results: Map<string, Map<string, number>>[] = [];
  const lines: string[] = [];
  for (let trial = 1; trial <= h.num_trials; trial++) {
    const config: TrainConfig = {
      ...DEFAULT_TRAIN_CONFIG,
      init,
      maxSeqLength: h.max_seq_length,
      batchSize: h.train_batch_size,
      epochs: h.num_train_epochs,
      learningRate: h.learning_rate,
      warmupProportion: h.warmup_proportion,
      layerwiseDecay: h.lr_decay,
      weightDecay: h.weight_decay_rate,
      maxGradNorm: 1,
      biasCorrection: false,
      mix: { strategy: 'reference', alpha: h.task_weight_exponent, datasetMultiples: h.dataset_multiples, sizeTable: REFERENCE_GLUE_SIZES },
      targets: h.distill ? (h.teacher_annealing ? { kind: 'anneal' } : { kind: 'fixed', teacherWeight: h.distill_weight }) : { kind: 'gold' },
      doubleUnordered: h.double_unordered,
      seed: trial,
      evalBatchSize: h.predict_batch_size,
      outputDir: join(modelDir, 'checkpoints'),
      checkpointEvery: h.save_checkpoints_steps,
      label: `${modelName} trial ${trial}`,
    };
    const r = await train({ tasks, tokenizer, config, teachers: h.distill ? teachers : undefined });
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
      for (let ti = 0; ti < tasks.length; ti++) {
        const spec = resolveGlueTask(tasks[ti].name);
        for (const split of glueTestSplits(spec)) {
          let examples;
          try {
            examples = await readSplit(glueDir, spec, split.name, h.debug ? 50 : undefined);
          } catch (e) {
            if (e instanceof GlueFileNotFoundError) continue; // the reference writes test outputs only for files that exist
            throw e;
          }
          const feats = featurize(tasks[ti], ti, examples, tokenizer, h.max_seq_length, { labelled: false });
          const preds = await predict(r.model, tasks[ti].name, feats, h.predict_batch_size, tasks[ti].kind === 'regression');
          const out = new Map<PickleValue, PickleValue>();
          feats.forEach((f, i) => out.set(f.eid, preds[i]));
          await writeAtomic(join(outputs, `${tasks[ti].name}_${split.name}_predictions_${trial}.pkl`), writePickle(out));
        }
      }
    }
    r.model.dispose();
    // The reference deletes checkpoints after each trial.
    await rm(join(modelDir, 'checkpoints'), { recursive: true, force: true });
  }
}
