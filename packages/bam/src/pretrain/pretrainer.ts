import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Generator, Mulberry32, deriveSeed, linearWarmupDecay, noGrad, scope, type GeneratorState } from '@bamgpu/core';
import type { BertTokenizer } from '@bamgpu/bert/node';
import { loadCheckpoint, prepareRunFolder, saveCheckpoint, type StateValidator } from '../train/checkpoint.js';
import { assertFinite } from '../train/finite-guard.js';
import { withOutputLock } from '../train/output-lock.js';
import { stateFields } from '../train/trainer-state.js';
import { Progress } from '../train/progress.js';
import { validatePretrainConfig, type PretrainConfig } from './config.js';
import { makePretrainBatch, type BatchOptions, type PretrainBatch } from './batch.js';
import { tokenizeDocuments, type TextDocument, type TokenizedDocuments } from './documents.js';
import type { PretrainingModel, PretrainedBert } from './pretraining-model.js';
import { pretrainBatchOptions, pretrainOptimizer, pretrainedBertKind, pretrainingModel } from './setup.js';
import { STAT, lossAndStats, trainStep } from './step.js';
import { PRETRAIN_STREAMS, epochOrder, splitHeldOut, stepBatch, stepsPerEpoch } from './stream.js';

/** The next-sentence and token-match figures, present only for tasks the run has and the batch scores. */
export interface SideTaskFigures {
  nextSentenceLoss?: number;
  nextSentenceAccuracy?: number;
  tokenMatchLoss?: number;
  tokenMatchAccuracy?: number;
}

/** One line of the pre-training metrics log. */
export type PretrainEvent =
  | { type: 'start'; totalSteps: number; trainDocuments: number; heldOutDocuments: number; parameters: number }
  | ({ type: 'step'; step: number; loss: number; accuracy: number; lr: number; gradNorm: number; seconds: number; tokens: number; tokensPerSecond: number } & SideTaskFigures)
  | ({ type: 'eval'; step: number; loss: number; accuracy: number; predicted: number; tokenMatchAbsent?: number } & SideTaskFigures);

export interface PretrainInputs {
  documents: readonly TextDocument[];
  tokenizer: BertTokenizer;
  config: PretrainConfig;
  onEvent?: (e: PretrainEvent) => void;
}

export interface PretrainResult {
  /** BertForMaskedLM, or BertForPreTraining with the next-sentence task (never the token-match head). */
  model: PretrainedBert;
  steps: number;
  totalSteps: number;
  history: PretrainEvent[];
  /** Held-out masked-LM loss and accuracy at the end (NaN without held-out documents), and the accuracies of the side tasks the run has. */
  heldOut: { loss: number; accuracy: number; nextSentenceAccuracy?: number; tokenMatchAccuracy?: number; tokenMatchAbsent?: number };
  seconds: number;
}

export interface PretrainState {
  step: number;
  totalSteps: number;
  generator: GeneratorState;
  configKey: string;
  history: PretrainEvent[];
  /** Tokens (padding excluded) seen so far, for the throughput figures. */
  tokens: number;
  /** Seconds of training before this resume, so tokens/s stays a whole-run figure. */
  seconds: number;
}

/**
 * The pre-trainer's own fields of a saved state (step, totalSteps and history
 * are checked for every loop by loadCheckpoint); a CheckpointError names the
 * file and the field. The events of the history are not checked: they are
 * only replayed into the metrics log.
 */
export const validatePretrainState: StateValidator<PretrainState> = (raw, file) => {
  const { nonNegative, string, generator } = stateFields(file);
  return {
    step: raw.step,
    totalSteps: raw.totalSteps,
    generator: generator(raw),
    configKey: string(raw, 'configKey'),
    history: raw.history as PretrainEvent[],
    tokens: nonNegative(raw, 'tokens'),
    seconds: nonNegative(raw, 'seconds'),
  };
};

const LOG_EVERY = 10;

function configKey(c: PretrainConfig, documents: number): string {
  return JSON.stringify({
    documents, batchSize: c.batchSize, steps: c.steps, lr: c.learningRate, warmup: c.warmupProportion, maskRate: c.maskRate, nextSentence: c.nextSentence,
    seed: c.seed, maxSeqLength: c.maxSeqLength, heldOut: c.heldOut, weightDecay: c.weightDecay,
    // Only when on, so that checkpoints made before these options existed still resume.
    ...(c.groupByLength ? { groupByLength: true } : {}),
    ...(c.tokenMatch ? { tokenMatch: c.tokenMatch } : {}),
    ...(c.biasCorrection ? { biasCorrection: true } : {}),
  });
}

/** The side tasks' losses (summed, not averaged) and right answers over some batches, and what they scored. */
interface SideTaskSums {
  nspLoss: number;
  nspRight: number;
  pairs: number;
  matchLoss: number;
  matchRight: number;
  matched: number;
  /** Scored tokens absent from the other segment. */
  absent: number;
}

/** Adds one batch's figures (lossAndStats', read back) to `s`; a step's figures are one batch's sums. */
function addSideTasks(s: SideTaskSums, f: readonly number[], batch: PretrainBatch): SideTaskSums {
  s.nspLoss += f[STAT.nsp] * batch.pairs;
  s.nspRight += f[STAT.nspRight];
  s.pairs += batch.pairs;
  s.matchLoss += f[STAT.match] * batch.matched;
  s.matchRight += f[STAT.matchRight];
  s.matched += batch.matched;
  s.absent += batch.absent;
  return s;
}

const noSideTasks = (): SideTaskSums => ({ nspLoss: 0, nspRight: 0, pairs: 0, matchLoss: 0, matchRight: 0, matched: 0, absent: 0 });

/** The side-task figures of a step or an evaluation: means over the pairs and the matched tokens. */
function sideTaskFigures(training: PretrainingModel, nextSentence: boolean, s: SideTaskSums): SideTaskFigures {
  return {
    ...(nextSentence && s.pairs > 0 ? { nextSentenceLoss: s.nspLoss / s.pairs, nextSentenceAccuracy: s.nspRight / s.pairs } : {}),
    ...(training.tokenMatch && s.matched > 0 ? { tokenMatchLoss: s.matchLoss / s.matched, tokenMatchAccuracy: s.matchRight / s.matched } : {}),
  };
}

interface HeldOutFigures extends SideTaskFigures {
  loss: number;
  accuracy: number;
  predicted: number;
  /** Share of the scored tokens absent from the other segment: what a head that always answers one way can reach is the larger of it and 1 minus it. */
  tokenMatchAbsent?: number;
}

async function evaluateHeldOut(training: PretrainingModel, docs: TokenizedDocuments, cfg: PretrainConfig, options: BatchOptions): Promise<HeldOutFigures> {
  const n = docs.a.length;
  if (n === 0) return { loss: NaN, accuracy: NaN, predicted: 0 };
  training.eval();
  let lossSum = 0;
  let correct = 0;
  let predicted = 0;
  const side = noSideTasks();
  for (let start = 0, k = 0; start < n; start += cfg.evalBatchSize, k++) {
    const rows = Array.from({ length: Math.min(cfg.evalBatchSize, n - start) }, (_, i) => start + i);
    // Fixed masks and partners, so every evaluation of a run (and of runs compared) scores the same tokens.
    const batch = makePretrainBatch(docs, rows, new Mulberry32(deriveSeed(cfg.seed, PRETRAIN_STREAMS.heldOutMasks, k)), options);
    const stats = noGrad(() => scope(() => lossAndStats(training, batch, cfg.tokenMatch ?? 0).stats));
    const f = Array.from(await stats.data());
    stats.dispose();
    batch.dispose();
    lossSum += f[STAT.mlm] * batch.predicted;
    correct += f[STAT.mlmRight];
    predicted += batch.predicted;
    addSideTasks(side, f, batch);
  }
  training.train();
  const figures = sideTaskFigures(training, options.nextSentence, side);
  return { loss: lossSum / predicted, accuracy: correct / predicted, predicted, ...figures, ...(figures.tokenMatchAccuracy === undefined ? {} : { tokenMatchAbsent: side.absent / side.matched }) };
}

async function buildModel(cfg: PretrainConfig, generator: Generator): Promise<PretrainingModel> {
  const kind = pretrainedBertKind(cfg);
  const model = 'config' in cfg.init ? kind.fromConfig(cfg.init.config, { generator }) : await kind.fromPretrained(cfg.init.pretrained, { generator, warn: false });
  return pretrainingModel(model, cfg, generator);
}

/**
 * Masked-LM pre-training as BERT's: 15% of ordinary tokens chosen (80%
 * [MASK], 10% a random token, 10% unchanged), new masks every step,
 * AdamW without bias correction as BERT's (or with it, as PyTorch's, when
 * biasCorrection is on), linear warm-up then linear decay to 0, clipping at
 * global norm 1. The data order (a seeded shuffle per epoch) and the masks
 * depend only on the seed and the step, so `resume` continues exactly. The
 * last `heldOut` documents are never trained on.
 */
export async function pretrain(inputs: PretrainInputs): Promise<PretrainResult> {
  validatePretrainConfig(inputs.config);
  return withOutputLock(inputs.config.outputDir, () => pretrainLocked(inputs));
}

async function pretrainLocked(inputs: PretrainInputs): Promise<PretrainResult> {
  const cfg = inputs.config;
  const { tokenizer } = inputs;
  const { train: trainDocs, heldOut: heldDocs } = splitHeldOut(inputs.documents, cfg);
  if (trainDocs.length < cfg.batchSize) throw new RangeError(`pretrain: the corpus has ${trainDocs.length} training documents, fewer than one batch of ${cfg.batchSize}`);
  const enc = tokenizeDocuments(trainDocs, tokenizer);
  const heldEnc = tokenizeDocuments(heldDocs, tokenizer);
  const batchOptions = pretrainBatchOptions(tokenizer, cfg);

  const generator = new Generator(cfg.seed);
  const training = await buildModel(cfg, generator);
  const { model } = training;
  const optimizer = pretrainOptimizer(training, cfg);
  const key = configKey(cfg, inputs.documents.length);
  const totalSteps = cfg.steps;
  let step = 0;
  let tokens = 0;
  let priorSeconds = 0;
  let history: PretrainEvent[] = [];
  const logPath = cfg.outputDir ? join(cfg.outputDir, 'metrics.jsonl') : null;
  const found = cfg.outputDir ? await prepareRunFolder(cfg.outputDir, cfg) : null;
  if (found) {
    // The settings are compared before any weight is read, so a checkpoint of
    // other settings (another set of heads, say) is refused for that reason.
    const st = await loadCheckpoint(found, training, optimizer, (raw, file) => {
      const state = validatePretrainState(raw, file);
      if (state.configKey !== key) throw new Error(`${found}: this checkpoint was made with different pre-training settings or corpus; start a fresh run or use a new output folder`);
      return state;
    });
    step = st.step;
    tokens = st.tokens;
    priorSeconds = st.seconds;
    generator.setState(st.generator);
    history = st.history;
  }
  if (logPath) await writeFile(logPath, history.map((e) => JSON.stringify(e)).join('\n') + (history.length ? '\n' : ''));
  const emit = async (e: PretrainEvent) => {
    history.push(e);
    if (logPath) await appendFile(logPath, `${JSON.stringify(e)}\n`);
    inputs.onEvent?.(e);
  };
  const t0 = performance.now();
  const elapsed = () => priorSeconds + (performance.now() - t0) / 1000;
  const checkpoint = async () => {
    if (!cfg.outputDir) return;
    const state: PretrainState = { step, totalSteps, generator: generator.state(), configKey: key, history, tokens, seconds: elapsed() };
    await saveCheckpoint(cfg.outputDir, training, optimizer, state);
  };
  if (step === 0) await emit({ type: 'start', totalSteps, trainDocuments: trainDocs.length, heldOutDocuments: heldEnc.a.length, parameters: model.numParameters() });

  const perEpoch = stepsPerEpoch(enc, cfg);
  let orderEpoch = -1;
  let order: number[] = [];
  const progress = cfg.progress ? new Progress(cfg.label ?? 'pretrain', totalSteps, step) : null;
  const end = Math.min(totalSteps, cfg.stopAfter ?? totalSteps);
  training.train();
  while (step < end) {
    const epoch = Math.floor(step / perEpoch);
    if (epoch !== orderEpoch) {
      order = epochOrder(enc, epoch, cfg);
      orderEpoch = epoch;
    }
    const batch = stepBatch(enc, order, step, cfg, batchOptions);
    const lr = cfg.learningRate * linearWarmupDecay(step, totalSteps, cfg.warmupProportion);
    const next = step + 1;
    const logNow = next % LOG_EVERY === 0 || next === totalSteps;
    // The loss and gradient norm are also read back (and checked) before every
    // checkpoint and evaluation, so neither ever sees a diverged model.
    const saveNow = cfg.checkpointEvery > 0 && next % cfg.checkpointEvery === 0 && next < totalSteps;
    const evalNow = cfg.evalEvery > 0 && next % cfg.evalEvery === 0 && next < totalSteps;
    const guardNow = logNow || saveNow || evalNow || next === end;
    const stats = trainStep(training, optimizer, batch, { tokenMatchWeight: cfg.tokenMatch ?? 0, lr, keepStats: guardNow });
    batch.dispose();
    step++;
    tokens += batch.tokens;
    if (stats) {
      const f = Array.from(await stats.data());
      stats.dispose();
      const loss = f[STAT.mlm];
      const correct = f[STAT.mlmRight];
      const gradNorm = await optimizer.lastGradNorm();
      try {
        assertFinite({ 'masked-LM loss': loss, 'next-sentence loss': f[STAT.nsp], 'token-match loss': f[STAT.match], 'gradient norm': gradNorm }, { step, what: 'pre-training' });
      } catch (e) {
        // The last good checkpoint stays as it is, and no model is written.
        optimizer.dispose();
        training.dispose();
        throw e;
      }
      if (logNow) {
        const seconds = elapsed();
        const side = sideTaskFigures(training, cfg.nextSentence, addSideTasks(noSideTasks(), f, batch));
        await emit({ type: 'step', step, loss, accuracy: correct / batch.predicted, ...side, lr, gradNorm, seconds, tokens, tokensPerSecond: tokens / seconds });
        progress?.update(step, { loss, acc: (correct / batch.predicted).toFixed(3) });
      }
    }
    if (cfg.evalEvery > 0 && step % cfg.evalEvery === 0 && step < totalSteps) {
      const h = await evaluateHeldOut(training, heldEnc, cfg, batchOptions);
      await emit({ type: 'eval', step, ...h });
    }
    if (cfg.checkpointEvery > 0 && step % cfg.checkpointEvery === 0 && step < totalSteps) await checkpoint();
  }
  let heldOut: PretrainResult['heldOut'] = { loss: NaN, accuracy: NaN };
  if (step >= totalSteps) {
    const h = await evaluateHeldOut(training, heldEnc, cfg, batchOptions);
    heldOut = {
      loss: h.loss, accuracy: h.accuracy,
      ...(h.nextSentenceAccuracy === undefined ? {} : { nextSentenceAccuracy: h.nextSentenceAccuracy }),
      ...(h.tokenMatchAccuracy === undefined ? {} : { tokenMatchAccuracy: h.tokenMatchAccuracy, tokenMatchAbsent: h.tokenMatchAbsent }),
    };
    await emit({ type: 'eval', step, ...h });
  }
  await checkpoint();
  optimizer.dispose();
  training.tokenMatch?.dispose();
  return { model, steps: step, totalSteps, history, heldOut, seconds: elapsed() };
}
