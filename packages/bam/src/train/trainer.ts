import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AdamW, Generator, add, concat, indexSelect, lrSchedule, mul, reshape, scope, sum, tensor, type LrSchedule, type Tensor } from '@bamgpu/core';
import { BERT_NO_DECAY, BertMultiTask, type BertTokenizer } from '@bamgpu/bert/node';
import { classificationTarget, goldWeight, regressionTarget } from '../distill/targets.js';
import { softTargetLoss, squaredErrorLoss } from '../distill/losses.js';
import { makeBatch, type BatchTensors } from './batch.js';
import { checkTrainerState, loadCheckpoint, prepareRunFolder, saveCheckpoint, validateTrainerState, type TrainerState } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { scoreTask, type TaskScores } from './evaluate.js';
import { featurize, type Feature } from './features.js';
import { assertFinite } from './finite-guard.js';
import { layerwiseLrMultiplier } from './layerwise.js';
import { withOutputLock } from './output-lock.js';
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
  /** Called once set up, with the step it starts from (non-zero when resumed) and the schedule's length. */
  onReady?: (step: number, totalSteps: number) => void;
  /**
   * Asked after every step: true stops the run there, with a checkpoint (as
   * `stopAfter` does), so a worker told to shut down can hand its job back.
   */
  shouldStop?: () => boolean;
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
  return withOutputLock(inputs.config.outputDir, () => trainLocked(inputs));
}

async function trainLocked(inputs: TrainInputs): Promise<TrainResult> {
  const run = await setUp(inputs);
  await loop(run);
  return finish(run);
}

/** Everything a run holds between its steps; `step` and `history` move as it goes. */
interface TrainRun {
  readonly inputs: TrainInputs;
  readonly cfg: TrainConfig;
  readonly tasks: readonly TrainTask[];
  readonly trainFeatures: Feature[][];
  readonly devFeatures: Feature[][];
  /** Per task: its teacher's predictions, or null where the targets need none. */
  readonly teacherOf: readonly (TeacherPredictions | null)[];
  readonly mixer: TaskMixer;
  readonly schedule: LrSchedule;
  readonly totalSteps: number;
  /** Steps between dev evaluations (0: only at the end). */
  readonly evalEvery: number;
  readonly generator: Generator;
  readonly model: BertMultiTask;
  readonly optimizer: AdamW;
  readonly configKey: string;
  readonly logPath: string | null;
  step: number;
  history: LogEvent[];
}

/**
 * Featurises, checks the teachers, builds the mixer, model and optimiser,
 * clears or resumes the output folder and writes the log's start.
 */
async function setUp(inputs: TrainInputs): Promise<TrainRun> {
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
  const totalSteps = mixer.plan.totalSteps;
  const generator = new Generator(cfg.seed);
  const model = await buildModel(inputs, generator);
  const numLayers = cfg.layerwiseLayers ?? model.config.numHiddenLayers;
  const optimizer = new AdamW(model.namedParameters(), {
    lr: cfg.learningRate,
    eps: 1e-6,
    weightDecay: cfg.weightDecay,
    biasCorrection: cfg.biasCorrection,
    maxGradNorm: cfg.maxGradNorm,
    noDecay: BERT_NO_DECAY,
    lrMultiplier: (name) => layerwiseLrMultiplier(name, numLayers, cfg.layerwiseDecay),
  });
  const run: TrainRun = {
    inputs, cfg, tasks, trainFeatures, devFeatures, teacherOf, mixer, totalSteps, generator, model, optimizer,
    schedule: lrSchedule(cfg.schedule ?? 'hf'),
    evalEvery: cfg.evalEvery > 0 ? cfg.evalEvery : cfg.evalCount > 0 ? Math.max(1, Math.floor(totalSteps / cfg.evalCount)) : 0,
    configKey: configKey(inputs),
    logPath: cfg.outputDir ? join(cfg.outputDir, 'metrics.jsonl') : null,
    step: 0,
    history: [],
  };

  const found = cfg.outputDir ? await prepareRunFolder(cfg.outputDir, cfg) : null;
  if (found) {
    const st = await loadCheckpoint(found, model, optimizer, validateTrainerState);
    if (st.configKey !== run.configKey) throw new Error(`${found}: this checkpoint was made with a different configuration; start a fresh run or use a new output directory`);
    checkTrainerState(st, join(found, 'trainer_state.json'), totalSteps);
    run.step = st.step;
    mixer.setState(st.mixer);
    generator.setState(st.generator);
    run.history = st.history as LogEvent[];
  }
  const { history, logPath } = run;
  if (logPath) await writeFile(logPath, history.map((e) => JSON.stringify(e)).join('\n') + (history.length ? '\n' : ''));
  inputs.onReady?.(run.step, totalSteps);
  if (run.step === 0) {
    await emit(run, {
      type: 'start', totalSteps, tasks: tasks.map((t) => t.name), mix: cfg.mix.strategy,
      weights: Object.fromEntries(tasks.map((t, i) => [t.name, mixer.plan.weights[i]])), resumedAt: 0,
    });
  }
  return run;
}

/** Appends an event to the history and the log, then tells the caller. */
async function emit(run: TrainRun, e: LogEvent): Promise<void> {
  run.history.push(e);
  if (run.logPath) await appendFile(run.logPath, `${JSON.stringify(e)}\n`);
  run.inputs.onEvent?.(e);
}

/** Saves weights, optimiser state and the trainer's state (step, mixer, RNG, history), if there is an output folder. */
async function checkpoint(run: TrainRun): Promise<void> {
  if (!run.cfg.outputDir) return;
  const state: TrainerState = { step: run.step, totalSteps: run.totalSteps, mixer: run.mixer.state(), generator: run.generator.state(), configKey: run.configKey, history: run.history };
  await saveCheckpoint(run.cfg.outputDir, run.model, run.optimizer, state);
}

/**
 * One batch's losses, recorded (nothing read back): the forward pass over
 * every head, then per task the loss of its rows against annealed targets
 * (λ·gold + (1−λ)·teacher), weighted by the mixer. Returns the summed loss and
 * each task's loss as a [1] tensor, in task order.
 */
function lossForBatch(run: TrainRun, batch: BatchTensors, feats: readonly Feature[], rows: readonly { task: number }[], lambda: number): { total: Tensor; perTask: Tensor[] } {
  const { cfg, tasks, mixer, teacherOf } = run;
  const out = run.model.forward(batch);
  let total: Tensor | null = null;
  const perTask: Tensor[] = [];
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
    perTask.push(reshape(loss, [1]));
    total = total ? add(total, loss) : loss;
  });
  return { total: total!, perTask };
}

/**
 * Steps until the end (or `stopAfter`): per step one recorded forward,
 * backward and AdamW update; losses read back and checked on logged steps and
 * before every checkpoint and evaluation.
 */
async function loop(run: TrainRun): Promise<void> {
  const { cfg, tasks, mixer, model, optimizer, totalSteps, evalEvery } = run;
  const { tokenizer } = run.inputs;
  const progress = cfg.progress ? new Progress(cfg.label ?? tasks.map((t) => t.name).join('+'), totalSteps, run.step) : null;
  const t0 = performance.now();
  const end = Math.min(totalSteps, cfg.stopAfter ?? totalSteps);
  model.train();
  while (run.step < end) {
    const step = run.step;
    const slots = mixer.next();
    const rows = slots.filter((s): s is { task: number; index: number } => s !== null);
    const lambda = goldWeight(cfg.targets, step, totalSteps);
    const lr = cfg.learningRate * run.schedule(step, totalSteps, cfg.warmupProportion);
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
      const feats = rows.map((r) => run.trainFeatures[r.task][r.index]);
      const batch = makeBatch(feats, tokenizer.padId);
      const losses = lossForBatch(run, batch, feats, rows, lambda);
      losses.total.backward();
      optimizer.step(lr);
      optimizer.zeroGrad();
      batch.dispose();
      return guardNow ? concat(losses.perTask) : null;
    });
    run.step = next;
    if (perTask) {
      const values = Array.from(await perTask.data());
      perTask.dispose();
      const gradNorm = await optimizer.lastGradNorm();
      assertFinite(Object.fromEntries(tasks.map((t, i) => [`task "${t.name}"`, values[i]])), { step: next, what: 'training loss' });
      assertFinite(gradNorm, { step: next, what: 'gradient norm' });
      if (logNow) {
        const losses = Object.fromEntries(tasks.map((t, i) => [t.name, values[i]]));
        const loss = values.reduce((a, b) => a + b, 0);
        await emit(run, { type: 'step', step: next, loss, losses, lambda, lr, gradNorm, seconds: (performance.now() - t0) / 1000 });
        progress?.update(next, { loss, λ: lambda.toFixed(2) });
      }
    }
    if (evalEvery > 0 && next % evalEvery === 0 && next < totalSteps) {
      await emit(run, { type: 'eval', step: next, dev: await evaluateDev(model, tasks, run.devFeatures, cfg.evalBatchSize) });
    }
    if (cfg.checkpointEvery > 0 && next % cfg.checkpointEvery === 0) await checkpoint(run);
    if (run.inputs.shouldStop?.()) break;
  }
}

/** After the loop: a resumable checkpoint if stopped early, else the final dev evaluation (reused if a resumed run had finished). */
async function finish(run: TrainRun): Promise<TrainResult> {
  const { cfg, step, totalSteps, history } = run;
  if (cfg.outputDir && step < totalSteps) await checkpoint(run); // stopped early (stopAfter): leave a resumable state
  // A finished run that is resumed already logged and saved its final evaluation: reuse it.
  const last = history[history.length - 1];
  const finishedBefore = last?.type === 'eval' && last.step === totalSteps;
  let dev: Record<string, TaskScores> = {};
  if (finishedBefore) dev = last.dev;
  else if (step >= totalSteps) {
    dev = await evaluateDev(run.model, run.tasks, run.devFeatures, cfg.evalBatchSize);
    await emit(run, { type: 'eval', step, dev });
    if (cfg.outputDir) await checkpoint(run);
  }
  run.optimizer.dispose();
  return { model: run.model, dev, history, steps: step, totalSteps, trainFeatures: run.trainFeatures };
}
