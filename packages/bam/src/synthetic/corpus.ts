/**
 * The unlabelled pre-training corpus of the synthetic suite: text in the
 * same language as the tasks (same grammar, lexicon and sentence
 * distribution), from random streams of its own, for masked-LM pre-training.
 *
 * Like BERT's corpus, which is documents of consecutive sentences, each item
 * is a short "document": one sentence, or two in a row, where the second
 * continues the first. Version 1 continues by restating (the same clause
 * after 1–4 random edits of any kind); version 2 (docs §10.1) also continues,
 * half the time, with a new clause about a referent of the first.
 * Random second sentences are the pre-trainer's business (BERT's
 * next-sentence task draws them from other documents). Every sentence is well-formed, as
 * published text mostly is. No sentence of any task's dev or test split
 * occurs in it, so pre-training never sees an evaluation sentence.
 */
import type { Clause } from './clause.js';
import { continueAbout } from './coreference.js';
import { SplitMix32, type SeededRng } from '@bamgpu/core';
import { CLAUSE_EDIT_KINDS, PHRASE_EDIT_KINDS, editOptions, sampleEdit } from './edits.js';
import { renderClause } from './render.js';
import { sampleClause } from './sample.js';
import type { SyntheticSuite } from './types.js';

/** One corpus item: a sentence, or two consecutive ones (BERT's two segments). */
export interface CorpusDocument {
  readonly textA: string;
  readonly textB?: string;
}

/** 1: continuations restate; 2: half of them talk on about a referent (docs §10.1). */
export type CorpusVersion = 1 | 2;
export const CORPUS_VERSIONS: readonly CorpusVersion[] = [1, 2];

export interface CorpusOptions {
  /** Number of documents. */
  readonly size: number;
  /** Default 1, so existing corpora stay reproducible. */
  readonly version?: CorpusVersion;
}

/** Share of two-sentence documents, as BERT's inputs are mostly two segments. */
export const CORPUS_PAIR_RATE = 0.5;
const MAX_CONTINUATION_EDITS = 4;
const ANY_EDIT = editOptions(PHRASE_EDIT_KINDS, ['np1', 'np2'], [...CLAUSE_EDIT_KINDS, 'voice-swap', 'role-swap']);
/** Bound on redraws of one document, so a suite that excluded everything could not loop forever. */
const MAX_REDRAWS = 1000;

/** Every sentence of every task's dev and test splits. */
function evaluationSentences(suite: SyntheticSuite): Set<string> {
  const out = new Set<string>();
  for (const task of suite.tasks) {
    for (const split of [task.splits.dev, task.splits.test]) {
      for (const ex of split) {
        out.add(ex.textA);
        if (ex.textB !== undefined) out.add(ex.textB);
      }
    }
  }
  return out;
}

/** Share of version 2's continuations that talk on about a referent rather than restate. */
export const CORPUS_V2_REFERENT_RATE = 0.5;

function restate(rng: SeededRng, first: Clause): Clause {
  let second = first;
  const edits = 1 + rng.int(MAX_CONTINUATION_EDITS);
  for (let i = 0; i < edits; i++) second = sampleEdit(rng, second, ANY_EDIT)?.result ?? second;
  return second;
}

function drawDocument(rng: SeededRng, version: CorpusVersion): CorpusDocument {
  const first = sampleClause(rng);
  if (!rng.chance(CORPUS_PAIR_RATE)) return { textA: renderClause(first) };
  const talkOn = version === 2 && rng.chance(CORPUS_V2_REFERENT_RATE);
  const second = (talkOn ? continueAbout(rng, first) : undefined) ?? restate(rng, first);
  return { textA: renderClause(first), textB: renderClause(second) };
}

/**
 * `size` documents for `suite` (its seed and its dev/test splits),
 * deterministic in (suite seed, suite scale, version, size); a smaller corpus is a
 * prefix of a larger one.
 */
export function generatePretrainingCorpus(suite: SyntheticSuite, options: CorpusOptions): CorpusDocument[] {
  const { size, version = 1 } = options;
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`corpus size must be a positive integer, got ${size}`);
  if (!CORPUS_VERSIONS.includes(version)) throw new RangeError(`corpus version must be 1 or 2, got ${String(version)}`);
  const held = evaluationSentences(suite);
  const rng = SplitMix32.stream('synthetic-glue', suite.seed, version === 1 ? 'pretraining-corpus' : 'pretraining-corpus-v2');
  const docs: CorpusDocument[] = [];
  while (docs.length < size) {
    let doc: CorpusDocument | undefined;
    for (let tries = 0; tries < MAX_REDRAWS && doc === undefined; tries++) {
      const d = drawDocument(rng, version);
      if (!held.has(d.textA) && (d.textB === undefined || !held.has(d.textB))) doc = d;
    }
    if (doc === undefined) throw new Error(`pre-training corpus: ${MAX_REDRAWS} documents in a row hit dev/test sentences`);
    docs.push(doc);
  }
  return docs;
}
