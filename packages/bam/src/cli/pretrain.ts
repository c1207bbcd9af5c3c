import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { initNode } from '@bamgpu/core/node';
import { DEFAULT_PRETRAIN_CONFIG, type PretrainConfig } from '../pretrain/config.js';
import { readCorpusFile } from '../pretrain/corpus-file.js';
import type { TextDocument } from '../pretrain/documents.js';
import { pretrain } from '../pretrain/pretrainer.js';
import { heldOutCount } from '../pretrain/stream.js';
import { savePretrainedEncoder } from '../pretrain/save.js';
import { generatePretrainingCorpus, generateSyntheticGlue } from '../synthetic/index.js';
import { fraction, nonNegativeInt, num, positive, positiveInt } from '../settings/rules.js';
import { parseArgs, usage, UsageError, type OptionSpec } from './args.js';
import { corpusVersionOf, corpusVersionOption } from './corpus-version.js';
import { hasWeights, loadTasks, loadTokenizer, readModelConfig, tinyConfig } from './load.js';

const D = DEFAULT_PRETRAIN_CONFIG;
const SPECS: OptionSpec[] = [
  { name: 'out', type: 'string', help: 'output folder (model/, metrics.jsonl, checkpoint/)' },
  { name: 'corpus', type: 'string', help: '"synthetic" (the suite\'s unlabelled corpus), a text file (one document a line, a tab between two segments), or a glue_data folder (its training texts; needs --tasks)', default: 'synthetic' },
  { name: 'tasks', type: 'string', help: 'with a glue_data folder: the tasks whose training texts form the corpus' },
  { name: 'corpus-size', type: 'number', help: 'synthetic corpus: documents', default: 50000, rule: positiveInt },
  corpusVersionOption(1, 'synthetic corpus: '),
  { name: 'scale', type: 'number', help: 'synthetic corpus: scale of the suite whose dev/test sentences it excludes', default: 1, rule: positive },
  { name: 'model', type: 'string', help: 'a Hugging Face BERT folder to continue pre-training (else a new BERT of --hidden/--layers)' },
  { name: 'hidden', type: 'number', help: 'new BERT: hidden size', default: 64, rule: positiveInt },
  { name: 'layers', type: 'number', help: 'new BERT: layers', default: 2, rule: positiveInt },
  { name: 'steps', type: 'number', help: 'optimiser steps (or give --epochs)', rule: positiveInt },
  { name: 'epochs', type: 'number', help: 'passes over the corpus, instead of --steps', rule: positive },
  { name: 'lr', type: 'number', help: 'peak learning rate', default: D.learningRate, rule: num({ above: 0, max: 1 }) },
  { name: 'warmup', type: 'number', help: 'fraction of steps with linear warm-up', default: D.warmupProportion, rule: fraction },
  { name: 'batch-size', type: 'number', help: 'documents per step', default: D.batchSize, rule: positiveInt },
  { name: 'max-seq-length', type: 'number', help: 'tokens per document, [CLS]/[SEP] included', default: D.maxSeqLength, rule: num({ integer: true, min: 3 }) },
  { name: 'mask-rate', type: 'number', help: 'share of tokens to predict', default: D.maskRate, rule: num({ above: 0, max: 1 }) },
  { name: 'next-sentence', type: 'bool', help: "also BERT's next-sentence task on two-segment documents (writes a BertForPreTraining whose pooler fine-tuning reads)", default: false },
  { name: 'token-match', type: 'number', help: 'weight of the token-match task (a head on each unmasked token of a two-segment document says whether the token occurs in the other segment; trained here only, not saved); 0 = off', default: 0, rule: num({ min: 0, max: 100 }) },
  { name: 'group-by-length', type: 'bool', help: 'batch documents of similar length together, so that less of each step is padding (Hugging Face\'s group_by_length)', default: false },
  { name: 'bias-correction', type: 'bool', help: "Adam's bias correction (PyTorch's AdamW, as Hugging Face's Trainer); without it, BERT's AdamW", default: false },
  { name: 'held-out', type: 'number', help: 'documents held out from the end of the corpus for evaluation', default: D.heldOut, rule: nonNegativeInt },
  { name: 'eval-every', type: 'number', help: 'held-out evaluation every N steps (0 = at the end)', default: 0, rule: nonNegativeInt },
  { name: 'checkpoint-every', type: 'number', help: 'save a checkpoint every N steps', default: 500, rule: nonNegativeInt },
  { name: 'seed', type: 'number', help: 'seed of init, data order, masks and dropout (and of the synthetic corpus)', default: 0, rule: nonNegativeInt },
  { name: 'resume', type: 'bool', help: 'continue from <out>/checkpoint if present', default: false },
  { name: 'overwrite', type: 'bool', help: 'start afresh, replacing a checkpoint already in <out>', default: false },
  { name: 'stop-after', type: 'number', help: 'stop after N steps, leaving a checkpoint (the schedule keeps its full length)', rule: positiveInt },
  { name: 'quiet', type: 'bool', help: 'no progress bar', default: false },
  { name: 'help', type: 'bool', help: 'show this help', default: false },
];

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `bam pretrain`: masked-LM pre-training of a BERT on a text corpus, ending
 * in a Hugging Face folder (<out>/model) that `bam train --model`, `bam run`
 * (as pretrained_models/<name>) and fromPretrained load.
 */
export async function pretrainCommand(argv: readonly string[]): Promise<void> {
  const { options: o } = parseArgs(argv, SPECS, 'bam pretrain');
  if (o.help) {
    console.log(usage('bam pretrain --out <dir> (--steps N | --epochs N) [options]', 'Masked-LM pre-training (BERT\'s 15% masking, 80/10/10) on a text corpus.', SPECS));
    return;
  }
  if (!o.out) throw new UsageError('bam pretrain: --out <dir> is required');
  if ((o.steps === undefined) === (o.epochs === undefined)) throw new UsageError('bam pretrain: give exactly one of --steps and --epochs');
  if (o.resume && o.overwrite) throw new UsageError('bam pretrain: --resume and --overwrite exclude each other (continue the checkpoint, or replace it)');
  const out = String(o.out);
  const corpus = String(o.corpus);
  const seed = Number(o.seed);
  let documents: TextDocument[];
  let vocabTxt: string | undefined;
  if (corpus === 'synthetic') {
    const suite = generateSyntheticGlue({ seed, scale: Number(o.scale) });
    documents = generatePretrainingCorpus(suite, { size: Number(o['corpus-size']), version: corpusVersionOf(o) });
    vocabTxt = suite.vocabTxt();
  } else if (await isDirectory(corpus)) {
    const names = o.tasks ? String(o.tasks).split(',').map((s) => s.trim()).filter(Boolean) : null;
    const { tasks } = await loadTasks(corpus, names);
    documents = tasks.flatMap((t) => t.train.map((ex) => (ex.textB === undefined ? { textA: ex.textA } : { textA: ex.textA, textB: ex.textB })));
  } else {
    const read = await readCorpusFile(corpus);
    documents = read.documents;
    if (read.blank > 0) console.log(`corpus ${corpus}: ${read.blank} blank lines skipped`);
  }
  const modelDir = o.model ? String(o.model) : undefined;
  const tokenizer = await loadTokenizer(modelDir, vocabTxt);
  let init: PretrainConfig['init'];
  if (modelDir) {
    if (!(await hasWeights(modelDir))) throw new UsageError(`--model ${modelDir}: no model.safetensors (or sharded index) in that folder`);
    await readModelConfig(modelDir);
    init = { pretrained: modelDir };
  } else init = { config: tinyConfig(tokenizer.vocabSize, Number(o.hidden), Number(o.layers)) };
  const batchSize = Number(o['batch-size']);
  const heldOut = heldOutCount(documents.length, { heldOut: Number(o['held-out']), batchSize });
  const steps = o.steps !== undefined ? Number(o.steps) : Math.max(1, Math.round((Number(o.epochs) * Math.floor((documents.length - heldOut) / batchSize))));
  const config: PretrainConfig = {
    ...D,
    init,
    steps,
    learningRate: Number(o.lr),
    warmupProportion: Number(o.warmup),
    batchSize,
    maxSeqLength: Number(o['max-seq-length']),
    maskRate: Number(o['mask-rate']),
    nextSentence: Boolean(o['next-sentence']),
    groupByLength: Boolean(o['group-by-length']),
    tokenMatch: Number(o['token-match']),
    biasCorrection: Boolean(o['bias-correction']),
    heldOut: Number(o['held-out']),
    evalEvery: Number(o['eval-every']),
    checkpointEvery: Number(o['checkpoint-every']),
    seed,
    outputDir: out,
    resume: Boolean(o.resume),
    overwrite: Boolean(o.overwrite),
    stopAfter: o['stop-after'] === undefined ? undefined : Number(o['stop-after']),
    progress: !o.quiet,
  };
  const rt = await initNode();
  console.log(`adapter: ${rt.adapter.description || rt.adapter.device}`);
  console.log(`corpus: ${documents.length} documents (${heldOut} held out); ${steps} steps of ${batchSize}`);
  const r = await pretrain({ documents, tokenizer, config });
  if (r.steps < r.totalSteps) {
    console.log(`stopped after step ${r.steps} of ${r.totalSteps}; continue with --resume`);
    r.model.dispose();
    return;
  }
  await savePretrainedEncoder(r.model, tokenizer, join(out, 'model'));
  const last = r.history.filter((e) => e.type === 'step').at(-1);
  console.log(`held-out masked-LM loss ${r.heldOut.loss.toFixed(4)}, accuracy ${(100 * r.heldOut.accuracy).toFixed(1)}%${r.heldOut.nextSentenceAccuracy === undefined ? '' : `, next-sentence accuracy ${(100 * r.heldOut.nextSentenceAccuracy).toFixed(1)}%`}${r.heldOut.tokenMatchAccuracy === undefined ? '' : `, token-match accuracy ${(100 * r.heldOut.tokenMatchAccuracy).toFixed(1)}% (one answer for all: ${(100 * Math.max(r.heldOut.tokenMatchAbsent!, 1 - r.heldOut.tokenMatchAbsent!)).toFixed(1)}%)`}; ${r.seconds.toFixed(0)} s${last && last.type === 'step' ? `, ${Math.round(last.tokensPerSecond)} tokens/s` : ''}`);
  console.log(`wrote ${join(out, 'model')} (config.json, model.safetensors, vocab.txt) and ${join(out, 'metrics.jsonl')}`);
  r.model.dispose();
}
