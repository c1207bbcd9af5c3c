import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AdamW, Generator, argmax, cast, crossEntropy, eq, linearWarmupDecay, noGrad, scope, stack, sum, tensor, type Tensor } from '@bamgpu/core';
import { BertForMaskedLM, type BertTokenizer } from '@bamgpu/bert/node';
import { makeDir } from '../io/fs-safe.js';
import { checkExistingCheckpoint, findCheckpoint, loadCheckpoint, saveCheckpoint, type StateValidator } from '../train/checkpoint.js';
import { assertFinite } from '../train/finite-guard.js';
import { lockOutputDir, removeLeftovers } from '../train/output-lock.js';
import { stateFields } from '../train/trainer-state.js';
import { Progress } from '../train/progress.js';
import { Rng, deriveSeed } from '../train/rng.js';
import { validatePretrainConfig, type PretrainConfig } from './config.js';
import { encodeDocuments, type EncodedDocuments, type TextDocument } from './documents.js';
import { maskRows, type MaskingOptions } from './masking.js';

/** One line of the pre-training metrics log. */
export type PretrainEvent =
  | { type: 'start'; totalSteps: number; trainDocuments: number; heldOutDocuments: number; parameters: number }
  | { type: 'step'; step: number; loss: number; accuracy: number; lr: number; gradNorm: number; seconds: number; tokens: number; tokensPerSecond: number }
  | { type: 'eval'; step: number; loss: number; accuracy: number; predicted: number };

export interface PretrainInputs {
  documents: readonly TextDocument[];
  tokenizer: BertTokenizer;
  config: PretrainConfig;
  onEvent?: (e: PretrainEvent) => void;
}

export interface PretrainResult {
  model: BertForMaskedLM;
  steps: number;
  totalSteps: number;
  history: PretrainEvent[];
  /** Held-out masked-LM loss and accuracy at the end (NaN without held-out documents). */
  heldOut: { loss: number; accuracy: number };
  seconds: number;
}

export interface PretrainState {
  step: number;
  totalSteps: number;
  generator: { seed: number; calls: number };
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
/** Stream labels for deriveSeed: the order of each epoch, the masks of each step, the held-out masks. */
const ORDER = 1;
const MASKS = 2;
const HELD_OUT_MASKS = 3;

function configKey(c: PretrainConfig, documents: number): string {
  return JSON.stringify({
    documents, batchSize: c.batchSize, steps: c.steps, lr: c.learningRate, warmup: c.warmupProportion, maskRate: c.maskRate,
    seed: c.seed, maxSeqLength: c.maxSeqLength, heldOut: c.heldOut, weightDecay: c.weightDecay,
  });
}

function maskingOf(tokenizer: BertTokenizer, rate: number): MaskingOptions {
  const maskId = tokenizer.convertTokensToIds(['[MASK]'])[0];
  if (maskId === undefined || maskId === tokenizer.unkId) throw new Error('pretrain: the vocabulary has no [MASK] token');
  const specialIds = new Set<number>([tokenizer.padId, tokenizer.clsId, tokenizer.sepId, maskId, tokenizer.unkId]);
  return { rate, maskId, vocabSize: tokenizer.vocabSize, specialIds };
}

/** Inputs and targets of one masked batch, as GPU tensors. */
function batchTensors(enc: EncodedDocuments, rows: readonly number[], rng: Rng, masking: MaskingOptions, padId: number) {
  const ids = rows.map((r) => enc.inputIds[r]);
  const t = Math.max(...ids.map((x) => x.length));
  const masked = maskRows(ids, t, rng, masking);
  const b = rows.length;
  const idArr = new Int32Array(b * t).fill(padId);
  const typeArr = new Int32Array(b * t);
  const maskArr = new Int32Array(b * t);
  let tokens = 0;
  rows.forEach((r, i) => {
    idArr.set(masked.inputIds[i], i * t);
    typeArr.set(enc.tokenTypeIds[r], i * t);
    maskArr.fill(1, i * t, i * t + ids[i].length);
    tokens += ids[i].length;
  });
  return {
    inputs: { inputIds: tensor(idArr, [b, t]), tokenTypeIds: tensor(typeArr, [b, t]), attentionMask: tensor(maskArr, [b, t]) },
    positions: tensor(Int32Array.from(masked.positions), [masked.positions.length]),
    labels: tensor(Int32Array.from(masked.labels), [masked.labels.length]),
    predicted: masked.positions.length,
    tokens,
  };
}

/** Masked-LM loss (mean over chosen tokens) and the number of them predicted right. */
function lossAndCorrect(model: BertForMaskedLM, batch: ReturnType<typeof batchTensors>): { loss: Tensor; correct: Tensor } {
  const { logits } = model.forward(batch.inputs, { positions: batch.positions });
  const loss = crossEntropy(logits, batch.labels);
  const correct = noGrad(() => sum(cast(eq(argmax(logits, -1), batch.labels), 'float32')));
  return { loss, correct };
}

async function evaluateHeldOut(model: BertForMaskedLM, enc: EncodedDocuments, cfg: PretrainConfig, masking: MaskingOptions, padId: number) {
  const n = enc.inputIds.length;
  if (n === 0) return { loss: NaN, accuracy: NaN, predicted: 0 };
  model.eval();
  let lossSum = 0;
  let correct = 0;
  let predicted = 0;
  for (let start = 0, k = 0; start < n; start += cfg.evalBatchSize, k++) {
    const rows = Array.from({ length: Math.min(cfg.evalBatchSize, n - start) }, (_, i) => start + i);
    // Fixed masks, so every evaluation of a run (and of runs compared) scores the same tokens.
    const batch = batchTensors(enc, rows, new Rng(deriveSeed(cfg.seed, HELD_OUT_MASKS, k)), masking, padId);
    const both = noGrad(() => scope(() => {
      const { loss, correct: c } = lossAndCorrect(model, batch);
      return stack([loss, c]);
    }));
    const [l, c] = Array.from(await both.data());
    both.dispose();
    for (const x of [batch.inputs.inputIds, batch.inputs.tokenTypeIds, batch.inputs.attentionMask, batch.positions, batch.labels]) x.dispose();
    lossSum += l * batch.predicted;
    correct += c;
    predicted += batch.predicted;
  }
  model.train();
  return { loss: lossSum / predicted, accuracy: correct / predicted, predicted };
}

async function buildModel(cfg: PretrainConfig, generator: Generator): Promise<BertForMaskedLM> {
  if ('config' in cfg.init) return BertForMaskedLM.fromConfig(cfg.init.config, { generator });
  return BertForMaskedLM.fromPretrained(cfg.init.pretrained, { generator, warn: false });
}

/**
 * Masked-LM pre-training as BERT's: 15% of ordinary tokens chosen (80%
 * [MASK], 10% a random token, 10% unchanged), new masks every step,
 * AdamW without bias correction, linear warm-up then linear decay to 0,
 * clipping at global norm 1. The data order (a seeded shuffle per epoch)
 * and the masks depend only on the seed and the step, so `resume`
 * continues exactly. The last `heldOut` documents are never trained on.
 */
export async function pretrain(inputs: PretrainInputs): Promise<PretrainResult> {
  validatePretrainConfig(inputs.config);
  const dir = inputs.config.outputDir;
  const release = dir ? await lockOutputDir(dir) : null;
  try {
    return await pretrainLocked(inputs);
  } finally {
    await release?.();
  }
}

async function pretrainLocked(inputs: PretrainInputs): Promise<PretrainResult> {
  const cfg = inputs.config;
  const { tokenizer } = inputs;
  const heldOutCount = Math.min(cfg.heldOut, Math.max(0, inputs.documents.length - cfg.batchSize));
  const trainDocs = inputs.documents.slice(0, inputs.documents.length - heldOutCount);
  if (trainDocs.length < cfg.batchSize) throw new RangeError(`pretrain: the corpus has ${trainDocs.length} training documents, fewer than one batch of ${cfg.batchSize}`);
  const enc = encodeDocuments(trainDocs, tokenizer, cfg.maxSeqLength);
  const heldEnc = encodeDocuments(inputs.documents.slice(trainDocs.length), tokenizer, cfg.maxSeqLength);
  const masking = maskingOf(tokenizer, cfg.maskRate);
  const padId = tokenizer.padId;

  const generator = new Generator(cfg.seed);
  const model = await buildModel(cfg, generator);
  const optimizer = new AdamW(model.namedParameters(), { lr: cfg.learningRate, eps: 1e-6, weightDecay: cfg.weightDecay, biasCorrection: false, maxGradNorm: cfg.maxGradNorm });
  const key = configKey(cfg, inputs.documents.length);
  const totalSteps = cfg.steps;
  let step = 0;
  let tokens = 0;
  let priorSeconds = 0;
  let history: PretrainEvent[] = [];
  const logPath = cfg.outputDir ? join(cfg.outputDir, 'metrics.jsonl') : null;
  if (cfg.outputDir) {
    await makeDir(cfg.outputDir);
    await removeLeftovers(cfg.outputDir); // we hold the folder's lock: these belong to a killed run
    const found = await checkExistingCheckpoint(cfg.outputDir, cfg);
    if (found && cfg.overwrite) {
      for (const name of ['checkpoint', 'checkpoint.old']) await rm(join(cfg.outputDir, name), { recursive: true, force: true });
    }
  }
  if (cfg.resume && cfg.outputDir) {
    const found = await findCheckpoint(cfg.outputDir);
    if (found) {
      const st = await loadCheckpoint(found, model, optimizer, validatePretrainState);
      if (st.configKey !== key) throw new Error(`${found}: this checkpoint was made with different pre-training settings or corpus; start a fresh run or use a new output folder`);
      step = st.step;
      tokens = st.tokens;
      priorSeconds = st.seconds;
      generator.setState(st.generator);
      history = st.history;
    }
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
    await saveCheckpoint(cfg.outputDir, model, optimizer, state);
  };
  if (step === 0) await emit({ type: 'start', totalSteps, trainDocuments: trainDocs.length, heldOutDocuments: heldEnc.inputIds.length, parameters: model.numParameters() });

  const perEpoch = Math.floor(trainDocs.length / cfg.batchSize);
  let orderEpoch = -1;
  let order: number[] = [];
  const progress = cfg.progress ? new Progress(cfg.label ?? 'pretrain', totalSteps, step) : null;
  const end = Math.min(totalSteps, cfg.stopAfter ?? totalSteps);
  model.train();
  while (step < end) {
    const epoch = Math.floor(step / perEpoch);
    if (epoch !== orderEpoch) {
      order = new Rng(deriveSeed(cfg.seed, ORDER, epoch)).shuffle([...Array(trainDocs.length).keys()]);
      orderEpoch = epoch;
    }
    const first = (step % perEpoch) * cfg.batchSize;
    const batch = batchTensors(enc, order.slice(first, first + cfg.batchSize), new Rng(deriveSeed(cfg.seed, MASKS, step)), masking, padId);
    const lr = cfg.learningRate * linearWarmupDecay(step, totalSteps, cfg.warmupProportion);
    const next = step + 1;
    const logNow = next % LOG_EVERY === 0 || next === totalSteps;
    // The loss and gradient norm are also read back (and checked) before every
    // checkpoint and evaluation, so neither ever sees a diverged model.
    const saveNow = cfg.checkpointEvery > 0 && next % cfg.checkpointEvery === 0 && next < totalSteps;
    const evalNow = cfg.evalEvery > 0 && next % cfg.evalEvery === 0 && next < totalSteps;
    const guardNow = logNow || saveNow || evalNow || next === end;
    const stats = scope(() => {
      const { loss, correct } = lossAndCorrect(model, batch);
      loss.backward();
      optimizer.step(lr);
      optimizer.zeroGrad();
      return guardNow ? stack([loss, correct]) : null;
    });
    for (const x of [batch.inputs.inputIds, batch.inputs.tokenTypeIds, batch.inputs.attentionMask, batch.positions, batch.labels]) x.dispose();
    step++;
    tokens += batch.tokens;
    if (stats) {
      const [loss, correct] = Array.from(await stats.data());
      stats.dispose();
      const gradNorm = await optimizer.lastGradNorm();
      try {
        assertFinite({ 'masked-LM loss': loss, 'gradient norm': gradNorm }, { step, what: 'pre-training' });
      } catch (e) {
        // The last good checkpoint stays as it is, and no model is written.
        optimizer.dispose();
        model.dispose();
        throw e;
      }
      if (logNow) {
        const seconds = elapsed();
        await emit({ type: 'step', step, loss, accuracy: correct / batch.predicted, lr, gradNorm, seconds, tokens, tokensPerSecond: tokens / seconds });
        progress?.update(step, { loss, acc: (correct / batch.predicted).toFixed(3) });
      }
    }
    if (cfg.evalEvery > 0 && step % cfg.evalEvery === 0 && step < totalSteps) {
      const h = await evaluateHeldOut(model, heldEnc, cfg, masking, padId);
      await emit({ type: 'eval', step, ...h });
    }
    if (cfg.checkpointEvery > 0 && step % cfg.checkpointEvery === 0 && step < totalSteps) await checkpoint();
  }
  let heldOut = { loss: NaN, accuracy: NaN };
  if (step >= totalSteps) {
    const h = await evaluateHeldOut(model, heldEnc, cfg, masking, padId);
    heldOut = { loss: h.loss, accuracy: h.accuracy };
    await emit({ type: 'eval', step, ...h });
  }
  await checkpoint();
  optimizer.dispose();
  return { model, steps: step, totalSteps, history, heldOut, seconds: elapsed() };
}
