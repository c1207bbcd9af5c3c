/**
 * syn-similarity (STS-B-like): how close in meaning are two sentences, 0–5?
 *
 * Gold rule: the two clauses are aligned by semantic role (agent with agent,
 * patient with patient, whatever the voice), each slot is scored in [0, 1],
 * and the score is 5 × (weighted mean of slot scores) × 0.6 if exactly one
 * sentence is negated — like STS annotators, who rate a sentence and its
 * negation as related but clearly different. Slots and weights:
 *   agent noun 2, patient noun 2, verb 2, agent adjective 1, patient adjective 1,
 *   agent determiner 0.5, patient determiner 0.5.
 * Pairs are the first sentence plus 1–8 random edits of any kind, or (20%)
 * an unrelated second sentence, which spreads scores over the whole range.
 */
import type { AdjectivePhrase, Clause, NounPhrase } from '../clause.js';
import { agentOf, patientOf } from '../clause.js';
import type { EditOption } from '../edits.js';
import { CLAUSE_EDIT_KINDS, PHRASE_EDIT_KINDS, adjectivesOpposed, editOptions, sampleEdit } from '../edits.js';
import type { NounConcept, VerbConcept } from '../lexicon.js';
import { renderClause } from '../render.js';
import { sampleClause } from '../sample.js';
import type { SeededRng } from '@bamgpu/core';
import type { GeneratedItem, TaskDefinition } from '../task-definition.js';
import { SIMILARITY_NOISE_SIGMA } from '../task-definition.js';

/** Same concept 1; class word and member 0.75; same class 0.5; both animate or both inanimate 0.25; else 0. */
export function nounSimilarity(a: NounConcept, b: NounConcept): number {
  if (a.id === b.id) return 1;
  if (a.cls === b.cls) return a.isHypernym || b.isHypernym ? 0.75 : 0.5;
  return a.animate === b.animate ? 0.25 : 0;
}

/** Same concept 1; antonyms 0.4 (same topic, opposite value); same non-zero polarity 0.4; else 0. */
export function verbSimilarity(a: VerbConcept, b: VerbConcept): number {
  if (a.id === b.id) return 1;
  if (a.antonym === b.id) return 0.4;
  return a.polarity !== 0 && a.polarity === b.polarity ? 0.4 : 0;
}

/**
 * Both absent or same concept and intensity 1; same concept, intensity
 * differs 0.8; one absent 0.5; same non-zero polarity 0.4; opposed (antonyms
 * or two colours) 0.3; else 0.1.
 */
export function adjectiveSimilarity(a: AdjectivePhrase | undefined, b: AdjectivePhrase | undefined): number {
  if (a === undefined && b === undefined) return 1;
  if (a === undefined || b === undefined) return 0.5;
  if (a.adj.id === b.adj.id) return a.very === b.very ? 1 : 0.8;
  if (a.adj.polarity !== 0 && a.adj.polarity === b.adj.polarity) return 0.4;
  if (adjectivesOpposed(a.adj.id, b.adj.id)) return 0.3;
  return 0.1;
}

const WEIGHTS = { noun: 2, verb: 2, adjective: 1, determiner: 0.5 } as const;
const TOTAL_WEIGHT = 2 * WEIGHTS.noun + WEIGHTS.verb + 2 * WEIGHTS.adjective + 2 * WEIGHTS.determiner;
export const NEGATION_MISMATCH_FACTOR = 0.6;

function participantScore(a: NounPhrase, b: NounPhrase): number {
  return (
    WEIGHTS.noun * nounSimilarity(a.noun, b.noun) +
    WEIGHTS.adjective * adjectiveSimilarity(a.adj, b.adj) +
    WEIGHTS.determiner * (a.quant === b.quant ? 1 : 0)
  );
}

/** The noise-free similarity score in [0, 5], rounded to 2 decimals. */
export function similarityScore(a: Clause, b: Clause): number {
  const sum =
    participantScore(agentOf(a), agentOf(b)) +
    participantScore(patientOf(a), patientOf(b)) +
    WEIGHTS.verb * verbSimilarity(a.verb, b.verb);
  const negation = a.negated === b.negated ? 1 : NEGATION_MISMATCH_FACTOR;
  return Math.round(((5 * sum) / TOTAL_WEIGHT) * negation * 100) / 100;
}

const ANY_EDIT: readonly EditOption[] = editOptions(PHRASE_EDIT_KINDS, ['np1', 'np2'], [...CLAUSE_EDIT_KINDS, 'voice-swap', 'role-swap']);
const UNRELATED_RATE = 0.2;
const MAX_EDITS = 8;

function generate(rng: SeededRng): GeneratedItem {
  for (;;) {
    const first = sampleClause(rng);
    let second = first;
    if (rng.chance(UNRELATED_RATE)) {
      second = sampleClause(rng);
    } else {
      const edits = 1 + rng.int(MAX_EDITS);
      for (let i = 0; i < edits; i++) second = sampleEdit(rng, second, ANY_EDIT)?.result ?? second;
    }
    const textA = renderClause(first);
    const textB = renderClause(second);
    if (textA === textB) continue; // identical sentences are uninformative
    return { textA, textB, label: similarityScore(first, second) };
  }
}

export const SIMILARITY_TASK: TaskDefinition = {
  name: 'syn-similarity',
  analogue: 'STS-B',
  description: 'Sentence pair, similarity score 0-5 from role-aligned overlap of latent meaning.',
  kind: 'regression',
  range: [0, 5],
  isPair: true,
  metrics: ['pearson', 'spearman'],
  labelNoise: { kind: 'gaussian', sigma: SIMILARITY_NOISE_SIGMA },
  sizes: { train: 1000, dev: 300, test: 300 },
  generate,
};
