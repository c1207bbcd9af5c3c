import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AdamW, Generator, add, concat, indexSelect, lrSchedule, mul, reshape, scope, sum, tensor, type Tensor } from '@bamgpu/core';
import { BertMultiTask, type BertTokenizer } from '@bamgpu/bert/node';
import { classificationTarget, goldWeight, regressionTarget } from '../distill/targets.js';
import { softTargetLoss, squaredErrorLoss } from '../distill/losses.js';
import { makeBatch } from './batch.js';
import { checkExistingCheckpoint, checkTrainerState, findCheckpoint, loadCheckpoint, saveCheckpoint, validateTrainerState, type TrainerState } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { scoreTask, type TaskScores } from './evaluate.js';
import { featurize, type Feature } from './features.js';
import { assertFinite } from './finite-guard.js';
import { layerwiseLrMultiplier } from './layerwise.js';
import { lockOutputDir, removeLeftovers } from './output-lock.js';
import { TaskMixer } from './mixer.js';
import { predict } from './predict.js';
import { Progress } from './progress.js';
import { numOutputs, type TrainTask } from './task.js';
import { checkTeacherCoverage, type TeacherPredictions } from './teachers.js';
import { validateTrainConfig } from './validate-config.js';

/** One line of the JSONL metrics log. */
export type LogEvent =
  | { type: 'step'; step: number; loss: number; losses: Record<string, number>; lambda: number; lr: number; gradNorm: number; seconds: number }
  | { type: 'eval'; step: number; dev: Record<string, TaskScores> }
  | { type: 'start'; totalSteps: number; tasks: string[]; mix: string; weights: Record<string, number>; resumedAt: number };

export interface TrainInputs {
  tasks: readonly TrainTask[];
  tokenizer: BertTokenizer;
  config: TrainConfig;
  /** Teacher predictions by task name (needed unless targets are gold-only or the no-teacher control). */
  teachers?: ReadonlyMap<string, { predictions: TeacherPredictions; source: string }>;
  /** Called for every logged event, after it is written to the log. */
  onEvent?: (e: LogEvent) => void;
}

export interface TrainResult {
  model: BertMultiTask;
  dev: Record<string, TaskScores>;
  history: LogEvent[];
  steps: number;
  totalSteps: number;
  /** Training features per task, in task order (ids are what teacher predictions are keyed by). */
  trainFeatures: Feature[][];
}

/** Steps between loss readbacks: each readback waits for the GPU, so not every step. */
const LOG_EVERY = 10;

function configKey(inputs: TrainInputs): string {
  const c = inputs.config;
  return JSON.stringify({
    tasks: inputs.tasks.map((t) => [t.name, t.train.length]),
    batchSize: c.batchSize, epochs: c.epochs, lr: c.learningRate, mix: c.mix, targets: c.targets, seed: c.seed, maxSeqLength: c.maxSeqLength,
    layerwiseDecay: c.layerwiseDecay, doubleUnordered: c.doubleUnordered,
    // Only when set: checkpoints made before these keys existed keep their key.
    ...(c.schedule && c.schedule !== 'hf' ? { schedule: c.schedule } : {}),
    ...(c.layerwiseLayers !== undefined ? { layerwiseLayers: c.layerwiseLayers } : {}),
    ...(c.headInit && c.headInit !== 'normal' ? { headInit: c.headInit } : {}),
  });
}

async function buildModel(inputs: TrainInputs, generator: Generator): Promise<BertMultiTask> {
  const specs = inputs.tasks.map((t) => ({ name: t.name, numLabels: numOutputs(t) }));
  const { init, progress, allowMissingWeights, headInit } = inputs.config;
  if ('config' in init) return BertMultiTask.fromConfig(init.config, specs, { generator, headInit });
  // Missing and unused tensors are reported as transformers does (new task heads are expected).
  const model = await BertMultiTask.fromPretrained(init.pretrained, { tasks: specs, generator, headInit, warn: progress ? (m) => console.warn(m) : false });
  const missing = missingEncoderWeights(model.loadReport?.missing ?? []);
  if (missing.length > 0 && !allowMissingWeights) {
    model.dispose();
    throw new Error(
      `${init.pretrained}: the checkpoint lacks ${missing.length} encoder weight(s) (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}), ` +
        'which would start from random values; pass --allow-missing-weights (allowMissingWeights) if that is intended',
    );
  }
  return model;
}

/**
 * Encoder parameters a fine-tuning start must find in its checkpoint:
 * everything under `bert.` except the pooler, which masked-LM-only
 * checkpoints lack (transformers initialises it then too). Task heads are
 * new by design.
 */
export function missingEncoderWeights(missing: readonly string[]): string[] {
  return missing.filter((n) => n.startsWith('bert.') && !n.startsWith('bert.pooler.'));
}

/** Evaluates every task on its dev split. */
export async function evaluateDev(model: BertMultiTask, tasks: readonly TrainTask[], devFeatures: readonly Feature[][], batchSize: number): Promise<Record<string, TaskScores>> {
  const out: Record<string, TaskScores> = {};
  for (let t = 0; t < tasks.length; t++) {
    const feats = devFeatures[t];
    if (feats.length === 0) continue;
    const preds = await predict(model, tasks[t].name, feats, batchSize, tasks[t].kind === 'regression');
    out[tasks[t].name] = scoreTask(tasks[t], feats, preds);
  }
  return out;
}

/**
 * Trains one model (single- or multi-task, with or without teachers) and
 * evaluates it on dev. Faithful to BAM: batches mix tasks, targets anneal
 * from teacher to gold with λ = step/total, losses are summed, layer-wise
 * learning rates, BERT's AdamW with warm-up and linear decay, clipping.
 */
export async function train(inputs: TrainInputs): Promise<TrainResult> {
  validateTrainConfig(inputs.config);
  const dir = inputs.config.outputDir;
  const release = dir ? await lockOutputDir(dir) : null;
  try {
    return await trainLocked(inputs);
  } finally {
    await release?.();
  }
}

async function trainLocked(inputs: TrainInputs): Promise<TrainResult> {
  const cfg = inputs.config;
  const { tasks, tokenizer } = inputs;
  if (tasks.length === 0) throw new Error('train: no tasks given');
  const needTeacher = cfg.targets.kind === 'anneal' || cfg.targets.kind === 'fixed';
  const trainFeatures = tasks.map((t, i) => featurize(t, i, t.train, tokenizer, cfg.maxSeqLength, { swapped: cfg.doubleUnordered, where: `${t.name} train` }));
  const devFeatures = tasks.map((t, i) => featurize(t, i, t.dev, tokenizer, cfg.maxSeqLength, { where: `${t.name} dev` }));
  const teacherOf: (TeacherPredictions | null)[] = tasks.map((t, i) => {
    if (!needTeacher) return null;
    const teacher = inputs.teachers?.get(t.name);
    if (!teacher) throw new Error(`task "${t.name}" has no teacher predictions, but the targets (${cfg.targets.kind}) need them`);
    checkTeacherCoverage(t.name, trainFeatures[i].map((f) => f.eid), teacher.predictions, teacher.source, numOutputs(t));
    return teacher.predictions;
  });

  const mixer = new TaskMixer(tasks.map((t) => t.name), trainFeatures.map((f) => f.length), {
    strategy: cfg.mix.strategy, alpha: cfg.mix.alpha, batchSize: cfg.batchSize, epochs: cfg.epochs, seed: cfg.seed,
    datasetMultiples: cfg.mix.datasetMultiples, sizeTable: cfg.mix.sizeTable, reshuffleEachEpoch: cfg.mix.reshuffleEachEpoch,
  });
  const schedule = lrSchedule(cfg.schedule ?? 'hf');
  const totalSteps = mixer.plan.totalSteps;
  const evalEvery = cfg.evalEvery > 0 ? cfg.evalEvery : cfg.evalCount > 0 ? Math.max(1, Math.floor(totalSteps / cfg.evalCount)) : 0;
  const generator = new Generator(cfg.seed);
  const model = await buildModel(inputs, generator);
  const numLayers = cfg.layerwiseLayers ?? model.config.numHiddenLayers;
  const optimizer = new AdamW(model.namedParameters(), {
    lr: cfg.learningRate,
    eps: 1e-6,
    weightDecay: cfg.weightDecay,
    biasCorrection: cfg.biasCorrection,
    maxGradNorm: cfg.maxGradNorm,
    lrMultiplier: (name) => layerwiseLrMultiplier(name, numLayers, cfg.layerwiseDecay),
  });

  let step = 0;
  let history: LogEvent[] = [];
  const key = configKey(inputs);
  const logPath = cfg.outputDir ? join(cfg.outputDir, 'metrics.jsonl') : null;
  if (cfg.outputDir) {
    await removeLeftovers(cfg.outputDir); // we hold the folder's lock: these belong to a killed run
    const found = await checkExistingCheckpoint(cfg.outputDir, cfg);
    if (found && cfg.overwrite) {
      for (const name of ['checkpoint', 'checkpoint.old']) await rm(join(cfg.outputDir, name), { recursive: true, force: true });
    }
  }
  if (cfg.resume && cfg.outputDir) {
    const found = await findCheckpoint(cfg.outputDir);
    if (found) {
      const st = await loadCheckpoint(found, model, optimizer, validateTrainerState);
      if (st.configKey !== key) throw new Error(`${found}: this checkpoint was made with a different configuration; start a fresh run or use a new output directory`);
      checkTrainerState(st, join(found, 'trainer_state.json'), totalSteps);
      step = st.step;
      mixer.setState(st.mixer);
      generator.setState(st.generator);
      history = st.history as LogEvent[];
    }
  }
  if (logPath) await writeFile(logPath, history.map((e) => JSON.stringify(e)).join('\n') + (history.length ? '\n' : ''));
  const emit = async (e: LogEvent) => {
    history.push(e);
    if (logPath) await appendFile(logPath, `${JSON.stringify(e)}\n`);
    inputs.onEvent?.(e);
  };
  const checkpoint = async () => {
    if (!cfg.outputDir) return;
    const state: TrainerState = { step, totalSteps, mixer: mixer.state(), generator: generator.state(), configKey: key, history };
    await saveCheckpoint(cfg.outputDir, model, optimizer, state);
  };
  if (step === 0) {
    await emit({
      type: 'start', totalSteps, tasks: tasks.map((t) => t.name), mix: cfg.mix.strategy,
      weights: Object.fromEntries(tasks.map((t, i) => [t.name, mixer.plan.weights[i]])), resumedAt: 0,
    });
  }

  const progress = cfg.progress ? new Progress(cfg.label ?? tasks.map((t) => t.name).join('+'), totalSteps, step) : null;
  const t0 = performance.now();
  const end = Math.min(totalSteps, cfg.stopAfter ?? totalSteps);
  model.train();
  while (step < end) {
    const slots = mixer.next();
    const rows = slots.filter((s): s is { task: number; index: number } => s !== null);
    const lambda = goldWeight(cfg.targets, step, totalSteps);
    const lr = cfg.learningRate * schedule(step, totalSteps, cfg.warmupProportion);
    // Logged steps depend only on the schedule, so a resumed run logs exactly what an uninterrupted one does.
    const next = step + 1;
    const logNow = next % LOG_EVERY === 0 || next === totalSteps;
    // The losses and gradient norm are also read back (and checked) before
    // every checkpoint and evaluation, so neither ever sees a diverged model.
    const saveNow = (cfg.checkpointEvery > 0 && next % cfg.checkpointEvery === 0) || (next === end && end < totalSteps);
    const evalNow = evalEvery > 0 && next % evalEvery === 0 && next < totalSteps;
    const guardNow = logNow || saveNow || evalNow;
    const perTask = scope(() => {
      if (rows.length === 0) return null;
      const feats = rows.map((r) => trainFeatures[r.task][r.index]);
      const batch = makeBatch(feats, tokenizer.padId);
      const out = model.forward(batch);
      let total: Tensor | null = null;
      const taskLosses: Tensor[] = [];
      tasks.forEach((task, t) => {
        const logits = out.logits.get(task.name)!;
        const mine = rows.map((r, i) => (r.task === t ? i : -1)).filter((i) => i >= 0);
        let loss: Tensor;
        if (mine.length === 0) {
          // The reference runs every head on every example and masks the
          // loss, so heads of absent tasks still get a (zero) gradient.
          loss = mul(sum(logits), 0);
        } else {
          const sel = indexSelect(logits, 0, tensor(Int32Array.from(mine)));
          const w = mixer.plan.weights[t];
          if (task.kind === 'classification') {
            const c = numOutputs(task);
            const targets = mine.map((i) => classificationTarget(cfg.targets, lambda, feats[i].gold, c, teacherOf[t]?.get(feats[i].eid) as number[] | undefined));
            loss = softTargetLoss(sel, targets, w);
          } else {
            const targets = mine.map((i) => regressionTarget(cfg.targets, lambda, feats[i].gold, teacherOf[t]?.get(feats[i].eid) as number | undefined));
            loss = squaredErrorLoss(sel, targets, w);
          }
        }
        taskLosses.push(reshape(loss, [1]));
        total = total ? add(total, loss) : loss;
      });
      total!.backward();
      optimizer.step(lr);
      optimizer.zeroGrad();
      batch.dispose();
      return guardNow ? concat(taskLosses) : null;
    });
    step++;
    if (perTask) {
      const values = Array.from(await perTask.data());
      perTask.dispose();
      const gradNorm = await optimizer.lastGradNorm();
      assertFinite(Object.fromEntries(tasks.map((t, i) => [`task "${t.name}"`, values[i]])), { step, what: 'training loss' });
      assertFinite(gradNorm, { step, what: 'gradient norm' });
      if (logNow) {
        const losses = Object.fromEntries(tasks.map((t, i) => [t.name, values[i]]));
        const loss = values.reduce((a, b) => a + b, 0);
        await emit({ type: 'step', step, loss, losses, lambda, lr, gradNorm, seconds: (performance.now() - t0) / 1000 });
        progress?.update(step, { loss, λ: lambda.toFixed(2) });
      }
    }
    if (evalEvery > 0 && step % evalEvery === 0 && step < totalSteps) {
      await emit({ type: 'eval', step, dev: await evaluateDev(model, tasks, devFeatures, cfg.evalBatchSize) });
    }
    if (cfg.checkpointEvery > 0 && step % cfg.checkpointEvery === 0) await checkpoint();
  }
  if (cfg.outputDir && step < totalSteps) await checkpoint(); // stopped early (stopAfter): leave a resumable state
  // A finished run that is resumed already logged and saved its final evaluation: reuse it.
  const last = history[history.length - 1];
  const finishedBefore = last?.type === 'eval' && last.step === totalSteps;
  let dev: Record<string, TaskScores> = {};
  if (finishedBefore) dev = last.dev;
  else if (step >= totalSteps) {
    dev = await evaluateDev(model, tasks, devFeatures, cfg.evalBatchSize);
    await emit({ type: 'eval', step, dev });
    if (cfg.outputDir) await checkpoint();
  }
  optimizer.dispose();
  return { model, dev, history, steps: step, totalSteps, trainFeatures };
}
