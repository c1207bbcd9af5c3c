import { AdamW, type Generator } from '@bamgpu/core';
import { BERT_NO_DECAY, BertForMaskedLM, BertForPreTraining, type BertTokenizer } from '@bamgpu/bert/node';
import type { BatchOptions } from './batch.js';
import type { PretrainConfig } from './config.js';
import type { MaskingOptions } from './masking.js';
import { PretrainingModel, type PretrainedBert } from './pretraining-model.js';
import { TokenMatchHead } from './token-match.js';

/**
 * What pre-training builds before its first step, one function each, so
 * that code timing or replaying a step (the benchmark row
 * pretrain/step-demo-recipe) builds exactly what pretrain() builds.
 */

function maskingOf(tokenizer: BertTokenizer, rate: number): MaskingOptions {
  const maskId = tokenizer.convertTokensToIds(['[MASK]'])[0];
  if (maskId === undefined || maskId === tokenizer.unkId) throw new Error('pretrain: the vocabulary has no [MASK] token');
  const specialIds = new Set<number>([tokenizer.padId, tokenizer.clsId, tokenizer.sepId, maskId, tokenizer.unkId]);
  return { rate, maskId, vocabSize: tokenizer.vocabSize, specialIds };
}

/** How batches are drawn: the tokenizer's special ids, the mask rate, the length cap and which side tasks get targets. */
export function pretrainBatchOptions(tokenizer: BertTokenizer, cfg: PretrainConfig): BatchOptions {
  return {
    masking: maskingOf(tokenizer, cfg.maskRate), padId: tokenizer.padId, clsId: tokenizer.clsId, sepId: tokenizer.sepId,
    maxLength: cfg.maxSeqLength, nextSentence: cfg.nextSentence, tokenMatch: Boolean(cfg.tokenMatch),
  };
}

/** The BERT pre-training trains and saves: with the next-sentence task BertForPreTraining (it has the pooler), else BertForMaskedLM. */
export function pretrainedBertKind(cfg: Pick<PretrainConfig, 'nextSentence'>): typeof BertForPreTraining | typeof BertForMaskedLM {
  return cfg.nextSentence ? BertForPreTraining : BertForMaskedLM;
}

/** `bert` with the heads of the tasks that exist only in pre-training (token match when it is on), drawn from `generator` after the BERT. */
export function pretrainingModel(bert: PretrainedBert, cfg: Pick<PretrainConfig, 'tokenMatch'>, generator: Generator): PretrainingModel {
  const head = cfg.tokenMatch ? new TokenMatchHead(bert.config.hiddenSize, bert.config.initializerRange, { generator }) : null;
  return new PretrainingModel(bert, head);
}

/**
 * AdamW over every parameter, heads included: BERT's (no bias correction)
 * unless cfg.biasCorrection, ε 1e-6, BERT's no-decay list, clipping at
 * cfg.maxGradNorm. The learning rate is the peak; each step passes its own.
 */
export function pretrainOptimizer(training: PretrainingModel, cfg: PretrainConfig): AdamW {
  return new AdamW(training.namedParameters(), {
    lr: cfg.learningRate, eps: 1e-6, weightDecay: cfg.weightDecay, biasCorrection: Boolean(cfg.biasCorrection), maxGradNorm: cfg.maxGradNorm, noDecay: BERT_NO_DECAY,
  });
}
