/**
 * Random well-formed clauses. All tasks draw their sentences from here, so
 * they share one sentence distribution (only the quantifier mix differs
 * where a task's rules need it).
 */
import type { Clause, NounPhrase, Quantifier, AdjectivePhrase } from './clause.js';
import { isWellFormed, satisfiesObject, satisfiesSubject } from './clause.js';
import type { NounConcept, VerbConcept } from './lexicon.js';
import { ADJECTIVES, NOUNS, VERBS } from './lexicon.js';
import type { SeededRng } from '@bamgpu/core';

export type QuantifierWeights = readonly (readonly [Quantifier, number])[];

export interface ClauseOptions {
  /** Determiner mix of the surface subject. */
  readonly np1Quantifiers: QuantifierWeights;
  /**
   * Determiner mix of the second noun phrase. Only referential or existential
   * determiners are used there in every task, which keeps scope readings simple.
   */
  readonly np2Quantifiers: QuantifierWeights;
  readonly passiveRate: number;
  readonly negationRate: number;
  /** Probability that a noun phrase has an adjective. */
  readonly adjectiveRate: number;
  /** Probability that a gradable adjective takes "very". */
  readonly veryRate: number;
  readonly pluralRate: number;
}

export const DEFAULT_CLAUSE_OPTIONS: ClauseOptions = {
  np1Quantifiers: [
    ['def', 0.35],
    ['dem', 0.1],
    ['exist', 0.25],
    ['univ', 0.15],
    ['no', 0.15],
  ],
  np2Quantifiers: [
    ['def', 0.4],
    ['dem', 0.1],
    ['exist', 0.5],
  ],
  passiveRate: 0.2,
  negationRate: 0.3,
  adjectiveRate: 0.5,
  veryRate: 0.25,
  pluralRate: 0.5,
};

/** A uniformly chosen noun passing `filter` (class words included, so about 1 in 6 is a hypernym). */
export function pickNoun(rng: SeededRng, filter: (n: NounConcept) => boolean): NounConcept {
  return rng.pick(NOUNS.filter(filter));
}

/** A random adjective phrase that may modify `noun`. */
export function sampleAdjective(rng: SeededRng, noun: NounConcept, opts: ClauseOptions): AdjectivePhrase {
  const adj = rng.pick(ADJECTIVES.filter((a) => !a.animateOnly || noun.animate));
  return { adj, form: rng.int(adj.forms.length), very: adj.gradable && rng.chance(opts.veryRate) };
}

export function sampleNounPhrase(
  rng: SeededRng,
  noun: NounConcept,
  quantifiers: QuantifierWeights,
  opts: ClauseOptions,
): NounPhrase {
  const quant = rng.pickWeighted(quantifiers);
  const number = rng.chance(opts.pluralRate) ? 'pl' : 'sg';
  const form = rng.int(noun.forms.length);
  if (!rng.chance(opts.adjectiveRate)) return { quant, number, noun, form };
  return { quant, number, noun, form, adj: sampleAdjective(rng, noun, opts) };
}

/** Puts agent and patient nouns into a clause with random voice, negation and determiners. */
export function buildClause(
  rng: SeededRng,
  verb: VerbConcept,
  agent: NounConcept,
  patient: NounConcept,
  opts: ClauseOptions,
): Clause {
  const voice = rng.chance(opts.passiveRate) ? 'passive' : 'active';
  const negated = rng.chance(opts.negationRate);
  const [first, second] = voice === 'active' ? [agent, patient] : [patient, agent];
  const np1 = sampleNounPhrase(rng, first, opts.np1Quantifiers, opts);
  const np2 = sampleNounPhrase(rng, second, opts.np2Quantifiers, opts);
  return { np1, np2, verb, verbForm: rng.int(verb.forms.length), negated, voice };
}

/** A random semantically well-formed clause. */
export function sampleClause(rng: SeededRng, opts: ClauseOptions = DEFAULT_CLAUSE_OPTIONS): Clause {
  const verb = rng.pick(VERBS);
  const agent = pickNoun(rng, (n) => satisfiesSubject(verb, n));
  const patient = pickNoun(rng, (n) => n.id !== agent.id && satisfiesObject(verb, n));
  const clause = buildClause(rng, verb, agent, patient, opts);
  if (!isWellFormed(clause)) throw new Error('sampleClause built an ill-formed clause');
  return clause;
}
