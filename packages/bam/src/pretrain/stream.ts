import { Mulberry32, deriveSeed } from '@bamgpu/core';
import { makePretrainBatch, type BatchOptions, type PretrainBatch } from './batch.js';
import type { PretrainConfig } from './config.js';
import type { TokenizedDocuments } from './documents.js';
import { groupByLength } from './length-groups.js';

/**
 * Which documents each step trains on, in which order, with which draws.
 * Every draw comes from a stream keyed by (seed, label, epoch or step), so
 * a resumed run, or code that replays or times a step, meets the same
 * batches knowing only the seed and the step.
 */

/**
 * Stream labels for deriveSeed: the order of each epoch, the masks of each step, the held-out masks, the length groups
 * of each epoch. Exported so that scripts which replay the pre-trainer's batches draw the same streams.
 */
export const PRETRAIN_STREAMS = { order: 1, masks: 2, heldOutMasks: 3, lengthGroups: 4 } as const;

/** Documents actually held out: at most `heldOut`, and never so many that less than one batch is left to train on. */
export function heldOutCount(documents: number, cfg: Pick<PretrainConfig, 'heldOut' | 'batchSize'>): number {
  return Math.min(cfg.heldOut, Math.max(0, documents - cfg.batchSize));
}

/** The training documents and the held-out ones, taken from the end of the corpus. */
export function splitHeldOut<T>(documents: readonly T[], cfg: Pick<PretrainConfig, 'heldOut' | 'batchSize'>): { train: T[]; heldOut: T[] } {
  const train = documents.slice(0, documents.length - heldOutCount(documents.length, cfg));
  return { train, heldOut: documents.slice(train.length) };
}

/** Epoch `epoch`'s order of the training documents: a seeded shuffle, regrouped by length when cfg.groupByLength. */
export function epochOrder(docs: TokenizedDocuments, epoch: number, cfg: Pick<PretrainConfig, 'seed' | 'batchSize' | 'groupByLength'>): number[] {
  const order = new Mulberry32(deriveSeed(cfg.seed, PRETRAIN_STREAMS.order, epoch)).shuffle([...Array(docs.a.length).keys()]);
  if (!cfg.groupByLength) return order;
  const lengths = docs.a.map((a, i) => a.length + (docs.b[i]?.length ?? 0));
  return groupByLength(order, lengths, cfg.batchSize, new Mulberry32(deriveSeed(cfg.seed, PRETRAIN_STREAMS.lengthGroups, epoch)));
}

/** Steps in an epoch: whole batches only, the rest of the order is left out. */
export const stepsPerEpoch = (docs: TokenizedDocuments, cfg: Pick<PretrainConfig, 'batchSize'>): number => Math.floor(docs.a.length / cfg.batchSize);

/** Step `step`'s documents (its slice of `order`, its epoch's order) and the stream its partners, masks and answers are drawn from. */
export function stepRows(docs: TokenizedDocuments, order: readonly number[], step: number, cfg: Pick<PretrainConfig, 'seed' | 'batchSize'>): { rows: number[]; rng: Mulberry32 } {
  const first = (step % stepsPerEpoch(docs, cfg)) * cfg.batchSize;
  return { rows: order.slice(first, first + cfg.batchSize), rng: new Mulberry32(deriveSeed(cfg.seed, PRETRAIN_STREAMS.masks, step)) };
}

/** Step `step`'s batch, uploaded. */
export function stepBatch(docs: TokenizedDocuments, order: readonly number[], step: number, cfg: Pick<PretrainConfig, 'seed' | 'batchSize'>, options: BatchOptions): PretrainBatch {
  const { rows, rng } = stepRows(docs, order, step, cfg);
  return makePretrainBatch(docs, rows, rng, options);
}
