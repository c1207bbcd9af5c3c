/**
 * syn-sentiment (SST-2-like): is the sentence positive ("1") or negative ("0")?
 *
 * Rule: score = Σ over the two adjectives of polarity × (2 if "very" else 1)
 *             + 2 × verb polarity × (−1 if negated) × (−1 if the subject determiner is "no").
 * Positive if score > 0, negative if < 0; sentences scoring 0 are not used
 * (as SST-2 drops neutral phrases).
 */
import type { Clause, NounPhrase } from '../clause.js';
import { renderClause } from '../render.js';
import { sampleClause } from '../sample.js';
import type { SeededRng } from '@bamgpu/core';
import type { GeneratedItem, TaskDefinition } from '../task-definition.js';
import { CLASSIFICATION_FLIP_RATE } from '../task-definition.js';

function adjectiveScore(np: NounPhrase): number {
  if (np.adj === undefined) return 0;
  return np.adj.adj.polarity * (np.adj.very ? 2 : 1);
}

export function sentimentScore(c: Clause): number {
  const flips = (c.negated ? -1 : 1) * (c.np1.quant === 'no' ? -1 : 1);
  return adjectiveScore(c.np1) + adjectiveScore(c.np2) + 2 * c.verb.polarity * flips;
}

/** "1" positive, "0" negative, undefined for a neutral (score 0) clause. */
export function sentimentLabel(c: Clause): '0' | '1' | undefined {
  const s = sentimentScore(c);
  return s > 0 ? '1' : s < 0 ? '0' : undefined;
}

function generate(rng: SeededRng): GeneratedItem {
  for (;;) {
    const clause = sampleClause(rng);
    const label = sentimentLabel(clause);
    if (label !== undefined) return { textA: renderClause(clause), label };
  }
}

export const SENTIMENT_TASK: TaskDefinition = {
  name: 'syn-sentiment',
  analogue: 'SST-2',
  description: 'Single sentence, binary sentiment (1 positive, 0 negative) from adjective and verb polarity with negation.',
  kind: 'classification',
  labels: ['0', '1'],
  isPair: false,
  metrics: ['accuracy'],
  labelNoise: { kind: 'flip', rate: CLASSIFICATION_FLIP_RATE },
  sizes: { train: 4000, dev: 500, test: 500 },
  generate,
};
