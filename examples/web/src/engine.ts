/**
 * The example page's engine, without the DOM: load a BertMultiTask folder
 * over HTTP, tokenize a user's text, predict with every head, and run BAM
 * fine-tuning steps on a few synthetic examples. Browser-safe: it imports
 * only the main entries of the packages, which never reach Node built-ins.
 */
import { AdamW, crossEntropy, noGrad, scope, sum, tensor, type Tensor } from '@bamgpu/core';
import { BERT_NO_DECAY, BertMultiTask, BertTokenizer, fetchFolder, parseVocabText } from '@bamgpu/bert';
import {
  annealLambda,
  classificationTarget,
  generateSyntheticGlue,
  padFeatures,
  regressionTarget,
  softTargetLoss,
  squaredErrorLoss,
  type SyntheticTaskMetadata,
} from '@bamgpu/bam';

/** What the page knows of one head: the checkpoint gives name and size; the synthetic suite, if it has the task, the rest. */
export interface TaskInfo {
  name: string;
  numLabels: number;
  kind: 'classification' | 'regression';
  /** Class names in logit order ("0", "1", … when the suite does not know the task). */
  labels: readonly string[];
  /** Gold score range of a regression task; the head predicts the score scaled to [0, 1]. */
  range: readonly [number, number];
  /** Whether the task reads two sentences; undefined when the suite does not know the task. */
  isPair: boolean | undefined;
}

export interface LoadedModel {
  model: BertMultiTask;
  tokenizer: BertTokenizer;
  tasks: TaskInfo[];
  /** config.json's max_position_embeddings: the longest input the model accepts. */
  maxLength: number;
}

/** Only the suite's task metadata is used, so its smallest size is enough (every split ≥ 1 example). */
function suiteMetadata(): Map<string, SyntheticTaskMetadata> {
  const suite = generateSyntheticGlue({ seed: 0, scale: 1e-3 });
  return new Map(suite.tasks.map((t) => [t.name, t]));
}

/**
 * Loads `baseUrl` (a folder written by BertMultiTask.save: config.json with
 * "bamgpu_tasks", model.safetensors, vocab.txt). Refuses a folder missing
 * weights: predicting with the random init of a missing head would look like
 * an answer and be noise.
 */
export async function loadModel(baseUrl: string): Promise<LoadedModel> {
  const model = await BertMultiTask.fromPretrained(fetchFolder(baseUrl), { warn: false });
  const missing = model.loadReport?.missing ?? [];
  if (missing.length > 0) {
    model.dispose();
    throw new Error(`${baseUrl} lacks ${missing.length} weight(s) the model needs (${missing.slice(0, 3).join(', ')}…)`);
  }
  const vocab = model.assets.get('vocab.txt');
  if (vocab === undefined) {
    model.dispose();
    throw new Error(`${baseUrl} has no vocab.txt`);
  }
  // Lower-casing as BERT's uncased models (and the synthetic suite) expect, unless
  // tokenizer_config.json says otherwise (Hugging Face's keys; null = the default).
  const configText = model.assets.get('tokenizer_config.json');
  const tc = (configText === undefined ? {} : JSON.parse(configText)) as { do_lower_case?: boolean | null; strip_accents?: boolean | null; tokenize_chinese_chars?: boolean | null };
  const tokenizer = new BertTokenizer(
    parseVocabText(vocab),
    { lowercase: tc.do_lower_case ?? true, stripAccents: tc.strip_accents ?? undefined, tokenizeChineseChars: tc.tokenize_chinese_chars ?? true },
    `${baseUrl}vocab.txt`,
  );
  const known = suiteMetadata();
  const tasks = model.tasks.map((spec): TaskInfo => {
    const meta = known.get(spec.name);
    const regression = spec.numLabels === 1;
    const labels = meta?.kind === 'classification' && meta.labels.length === spec.numLabels ? meta.labels : Array.from({ length: spec.numLabels }, (_, i) => String(i));
    return {
      name: spec.name,
      numLabels: spec.numLabels,
      kind: regression ? 'regression' : 'classification',
      labels: regression ? [] : labels,
      range: meta?.kind === 'regression' ? meta.range : [0, 1],
      isPair: meta?.isPair,
    };
  });
  model.eval();
  return { model, tokenizer, tasks, maxLength: model.config.maxPositionEmbeddings };
}

/** One sentence, or two separated by a tab or "|||" (for pair tasks). Surrounding spaces are dropped. */
export function splitInput(text: string): { a: string; b: string | undefined } {
  const parts = text.split(/\t|\|\|\|/);
  const a = (parts[0] ?? '').trim();
  if (parts.length < 2) return { a, b: undefined };
  return { a, b: parts.slice(1).join(' ').trim() };
}

export interface TaskPrediction {
  task: string;
  /** The head's raw outputs, full precision (what the tests compare with Node's). */
  logits: number[];
  /** Softmax of the logits (classification). */
  probabilities?: number[];
  /** The predicted label (classification). */
  label?: string;
  /** The predicted score, back in the task's range (regression). */
  score?: number;
  /** Which sentences the task read. */
  read: 'one' | 'two';
  /** Set when the input did not fit the task (a pair task given one sentence): it ran on [CLS] a [SEP] [SEP]. */
  note?: string;
  /** Token ids the model saw (for display). */
  inputIds: number[];
}

function softmax(xs: readonly number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((x) => x / s);
}

/** [CLS] a [SEP] (b [SEP]) as Node's featurize does it, truncated longest-first to the model's length. */
export function encodeFor(lm: LoadedModel, task: TaskInfo, a: string, b: string | undefined): { inputIds: number[]; tokenTypeIds: number[]; read: 'one' | 'two'; note?: string } {
  // Pair tasks read two sentences; single-sentence tasks read the first; a task the suite
  // does not know reads whatever the user gave.
  const pair = task.isPair ?? b !== undefined;
  const second = pair ? b ?? '' : undefined;
  const enc = lm.tokenizer.encode(a, second, { maxLength: lm.maxLength });
  const note = pair && b === undefined ? 'a pair task: give two sentences separated by a tab or |||' : !pair && b !== undefined ? 'reads only the first sentence' : undefined;
  return { inputIds: enc.inputIds, tokenTypeIds: enc.tokenTypeIds, read: pair ? 'two' : 'one', note };
}

/** Every head's prediction for `text`, in eval mode (no dropout); one forward pass per distinct encoding. */
export async function predict(lm: LoadedModel, text: string): Promise<TaskPrediction[]> {
  const { a, b } = splitInput(text);
  const out: TaskPrediction[] = [];
  for (const task of lm.tasks) {
    const enc = encodeFor(lm, task, a, b);
    const logits = scope(() =>
      noGrad(() => {
        const ids = tensor(Int32Array.from(enc.inputIds), [1, enc.inputIds.length]);
        const types = tensor(Int32Array.from(enc.tokenTypeIds), [1, enc.tokenTypeIds.length]);
        return lm.model.forward({ inputIds: ids, tokenTypeIds: types }, [task.name]).logits.get(task.name)!;
      }),
    );
    const values = Array.from(await logits.data());
    logits.dispose();
    const p: TaskPrediction = { task: task.name, logits: values, read: enc.read, note: enc.note, inputIds: enc.inputIds };
    if (task.kind === 'regression') {
      const [lo, hi] = task.range;
      p.score = lo + values[0] * (hi - lo); // back from the scaled training space, as `bam predict` does
    } else {
      p.probabilities = softmax(values);
      p.label = task.labels[p.probabilities.indexOf(Math.max(...p.probabilities))];
    }
    out.push(p);
  }
  return out;
}

/** The examples of one task used for fine-tuning, tokenised and padded to a common length. */
interface TaskBatch {
  task: TaskInfo;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  attentionMask: Int32Array;
  /** Class index, or the score scaled to [0, 1]. */
  gold: number[];
  /** The loaded model's own outputs on these examples, before any step: BAM's teacher here. */
  teacher: number[][];
}

export interface FineTuneOptions {
  /** Optimiser steps (each over every task's examples). */
  steps: number;
  /** Training examples per task, from the synthetic suite's train split. */
  examplesPerTask: number;
  /** AdamW learning rate, constant (too few steps for a warm-up to matter). */
  lr: number;
  /** Seed of the synthetic suite the examples come from. */
  seed?: number;
  /** Called after every step with its BAM loss and its loss against the gold labels alone. */
  onStep?: (info: StepInfo) => void;
}

export interface StepInfo {
  step: number;
  /** The objective the step minimised: against λ·gold + (1 − λ)·teacher. */
  bamLoss: number;
  /** The same logits against the gold labels alone. */
  goldLoss: number;
  lambda: number;
}

export interface FineTuneResult {
  steps: StepInfo[];
  /** Gold loss of the training examples in eval mode (no dropout) before the first step and after the last. */
  evalGoldLossBefore: number;
  evalGoldLossAfter: number;
  tasks: string[];
  examples: number;
}

/**
 * Tokenises `examplesPerTask` training examples of each head the suite has,
 * all padded to one length: every forward pass then has the same shapes, so
 * the GPU compiles each kernel once (on a CPU adapter a compile costs seconds).
 */
function makeBatches(lm: LoadedModel, examplesPerTask: number, seed: number): TaskBatch[] {
  // Scale is chosen so each train split has at least examplesPerTask examples (the smallest split has ~1000 at scale 1).
  const suite = generateSyntheticGlue({ seed, scale: Math.max(0.01, examplesPerTask / 500) });
  const encoded: { task: TaskInfo; rows: { inputIds: number[]; tokenTypeIds: number[] }[]; gold: number[] }[] = [];
  for (const task of lm.tasks) {
    const data = suite.tasks.find((t) => t.name === task.name);
    if (!data) continue; // a head the suite has no examples for is left as it is
    const examples = data.splits.train.slice(0, examplesPerTask);
    const rows = examples.map((ex) => {
      const e = lm.tokenizer.encode(ex.textA, data.isPair ? ex.textB ?? '' : undefined, { maxLength: lm.maxLength });
      return { inputIds: e.inputIds, tokenTypeIds: e.tokenTypeIds };
    });
    const gold = examples.map((ex) => {
      if (data.kind === 'classification') return data.labels.indexOf(String(ex.label));
      const [lo, hi] = data.range;
      return (Number(ex.label) - lo) / (hi - lo);
    });
    encoded.push({ task, rows, gold });
  }
  if (encoded.length === 0) throw new Error(`the model has no head for a synthetic task (it has ${lm.tasks.map((t) => t.name).join(', ')})`);
  const t = Math.max(...encoded.flatMap((e) => e.rows.map((r) => r.inputIds.length)));
  return encoded.map(({ task, rows, gold }) => {
    const { ids, types, mask } = padFeatures(rows, 0, t);
    return { task, inputIds: ids, tokenTypeIds: types, attentionMask: mask, gold, teacher: [] };
  });
}

function forwardBatch(lm: LoadedModel, b: TaskBatch): Tensor {
  const n = b.gold.length;
  const t = b.inputIds.length / n;
  const inputs = { inputIds: tensor(b.inputIds, [n, t]), tokenTypeIds: tensor(b.tokenTypeIds, [n, t]), attentionMask: tensor(b.attentionMask, [n, t]) };
  return lm.model.forward(inputs, [b.task.name]).logits.get(b.task.name)!;
}

/** Mean loss of a task's rows against the gold labels: cross-entropy, or squared error of the scaled score. */
function goldLoss(logits: Tensor, b: TaskBatch): Tensor {
  const n = b.gold.length;
  if (b.task.kind === 'regression') return squaredErrorLoss(logits, b.gold, 1 / n);
  const labels = tensor(Int32Array.from(b.gold), [n]);
  return crossEntropy(logits, labels);
}

/** Eval-mode gold loss over every task (summed over tasks, mean over each task's rows). */
async function evalGoldLoss(lm: LoadedModel, batches: readonly TaskBatch[]): Promise<number> {
  const wasTraining = lm.model.training;
  lm.model.eval();
  try {
    const total = scope(() => noGrad(() => sum(stackScalars(batches.map((b) => goldLoss(forwardBatch(lm, b), b))))));
    const v = await total.item();
    total.dispose();
    return v;
  } finally {
    lm.model.train(wasTraining);
  }
}

/** [k] from k scalar tensors (each [] or [1]). */
function stackScalars(xs: Tensor[]): Tensor {
  return xs.length === 1 ? xs[0].reshape([1]) : xs.map((x) => x.reshape([1])).reduce((acc, x) => acc.add(x));
}

/**
 * BAM fine-tuning (Clark et al., 2019) on a few synthetic examples per task:
 * every step sums each task's loss against annealed targets,
 * λ·gold + (1 − λ)·teacher with λ = step / steps, and takes one AdamW step.
 * The teacher is the loaded model itself, frozen before the first step
 * (born-again: the student starts as its teacher and is pulled toward the
 * gold labels as λ grows); the page has no separate single-task teachers.
 */
export async function fineTune(lm: LoadedModel, options: FineTuneOptions): Promise<FineTuneResult> {
  const { steps, examplesPerTask, lr } = options;
  if (!(Number.isInteger(steps) && steps > 0)) throw new Error(`steps must be a positive integer, got ${steps}`);
  if (!(Number.isInteger(examplesPerTask) && examplesPerTask > 0)) throw new Error(`examplesPerTask must be a positive integer, got ${examplesPerTask}`);
  const batches = makeBatches(lm, examplesPerTask, options.seed ?? 0);
  // The teacher's outputs, once, in eval mode: fixed targets for the whole run.
  lm.model.eval();
  for (const b of batches) {
    const logits = scope(() => noGrad(() => forwardBatch(lm, b)));
    const data = await logits.data();
    const c = logits.shape[1];
    logits.dispose();
    b.teacher = b.gold.map((_, r) => Array.from(data.subarray(r * c, (r + 1) * c)));
  }
  const evalGoldLossBefore = await evalGoldLoss(lm, batches);
  const opt = new AdamW(lm.model.namedParameters(), { lr, weightDecay: 0.01, noDecay: BERT_NO_DECAY });
  const history: StepInfo[] = [];
  lm.model.train();
  try {
    for (let step = 0; step < steps; step++) {
      const lambda = annealLambda(step, steps);
      const [bam, gold] = scope(() => {
        const bamParts: Tensor[] = [];
        const goldParts: Tensor[] = [];
        for (const b of batches) {
          const n = b.gold.length;
          const logits = forwardBatch(lm, b);
          if (b.task.kind === 'regression') {
            const targets = b.gold.map((g, r) => regressionTarget({ kind: 'anneal' }, lambda, g, b.teacher[r][0]));
            bamParts.push(squaredErrorLoss(logits, targets, 1 / n));
          } else {
            const targets = b.gold.map((g, r) => classificationTarget({ kind: 'anneal' }, lambda, g, b.task.numLabels, b.teacher[r]));
            bamParts.push(softTargetLoss(logits, targets, 1 / n));
          }
          goldParts.push(noGrad(() => goldLoss(logits, b)));
        }
        const bamTotal = sum(stackScalars(bamParts));
        bamTotal.backward();
        opt.step();
        opt.zeroGrad();
        return [bamTotal, noGrad(() => sum(stackScalars(goldParts)))];
      });
      const info: StepInfo = { step, bamLoss: await bam.item(), goldLoss: await gold.item(), lambda };
      bam.dispose();
      gold.dispose();
      history.push(info);
      options.onStep?.(info);
    }
  } finally {
    opt.dispose();
    lm.model.eval();
  }
  const evalGoldLossAfter = await evalGoldLoss(lm, batches);
  return { steps: history, evalGoldLossBefore, evalGoldLossAfter, tasks: batches.map((b) => b.task.name), examples: batches.reduce((s, b) => s + b.gold.length, 0) };
}
