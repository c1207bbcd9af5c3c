/**
 * The meaning representation ("logical form") of one sentence of the
 * synthetic language, and its well-formedness rules.
 *
 * Every sentence is one transitive clause:
 *   active:  NP1 [does|do not] VERB NP2 .
 *   passive: NP1 is|are [not] VERB-ed by NP2 .
 * NP1 is always the surface subject. Semantic scope follows surface order:
 * NP1's quantifier scopes over negation, which scopes over NP2.
 */
import type { AdjectiveConcept, NounConcept, VerbConcept } from './lexicon.js';

/**
 * Determiner meanings. "def" is "the", "dem" is "this"/"these" (both
 * referential), "exist" is "a"/"some", "univ" is "every"/"all", "no" is "no".
 */
export type Quantifier = 'def' | 'dem' | 'exist' | 'univ' | 'no';

export type GrammaticalNumber = 'sg' | 'pl';

export interface AdjectivePhrase {
  readonly adj: AdjectiveConcept;
  /** Index into adj.forms: which synonym is spoken. */
  readonly form: number;
  readonly very: boolean;
}

export interface NounPhrase {
  readonly quant: Quantifier;
  readonly number: GrammaticalNumber;
  readonly noun: NounConcept;
  /** Index into noun.forms. */
  readonly form: number;
  readonly adj?: AdjectivePhrase;
}

export type Voice = 'active' | 'passive';

export interface Clause {
  /** Surface subject: the agent in the active voice, the patient in the passive. */
  readonly np1: NounPhrase;
  /** Surface object in the active voice, the "by" phrase in the passive. */
  readonly np2: NounPhrase;
  readonly verb: VerbConcept;
  /** Index into verb.forms. */
  readonly verbForm: number;
  readonly negated: boolean;
  readonly voice: Voice;
}

export const agentOf = (c: Clause): NounPhrase => (c.voice === 'active' ? c.np1 : c.np2);
export const patientOf = (c: Clause): NounPhrase => (c.voice === 'active' ? c.np2 : c.np1);

export function satisfiesSubject(verb: VerbConcept, agent: NounConcept): boolean {
  switch (verb.subject) {
    case 'any':
      return true;
    case 'animate':
      return agent.animate;
    case 'human':
      return agent.human;
  }
}

export function satisfiesObject(verb: VerbConcept, patient: NounConcept): boolean {
  switch (verb.object) {
    case 'any':
      return true;
    case 'animate':
      return patient.animate;
    case 'small':
      // Class words of mixed size ("animal") are allowed: some of their members can be carried.
      return patient.size !== 'big';
    case 'snack':
      return patient.cls === 'snack';
    case 'vehicle':
      return patient.cls === 'vehicle';
  }
}

export function adjectiveFits(np: NounPhrase): boolean {
  return np.adj === undefined || !np.adj.adj.animateOnly || np.noun.animate;
}

/** The ways a clause can break the language's selectional restrictions. */
export type SelectionalViolation = 'subject' | 'object' | 'adjective';

export function selectionalViolations(c: Clause): SelectionalViolation[] {
  const out: SelectionalViolation[] = [];
  if (!satisfiesSubject(c.verb, agentOf(c).noun)) out.push('subject');
  if (!satisfiesObject(c.verb, patientOf(c).noun)) out.push('object');
  if (!adjectiveFits(c.np1) || !adjectiveFits(c.np2)) out.push('adjective');
  return out;
}

/**
 * Semantically well-formed: all selectional restrictions hold, the two
 * participants are different concepts, and "very" only modifies gradable
 * adjectives. Every sentence of every task is well-formed except the
 * deliberately anomalous ones of the acceptability task.
 */
export function isWellFormed(c: Clause): boolean {
  return (
    selectionalViolations(c).length === 0 &&
    c.np1.noun.id !== c.np2.noun.id &&
    veryFits(c.np1) &&
    veryFits(c.np2)
  );
}

function veryFits(np: NounPhrase): boolean {
  return np.adj === undefined || !np.adj.very || np.adj.adj.gradable;
}

/**
 * Whether swapping active and passive voice keeps the meaning. With the
 * surface-scope convention, "every dog chases a cat" and "a cat is chased by
 * every dog" differ, so the swap is only safe when no scope interaction is
 * possible: both noun phrases referential, or no negation and only
 * existential/referential determiners (existentials commute with each other).
 */
export function voiceSwapKeepsMeaning(c: Clause): boolean {
  const referential = (q: Quantifier): boolean => q === 'def' || q === 'dem';
  const existentialOrReferential = (q: Quantifier): boolean => referential(q) || q === 'exist';
  if (referential(c.np1.quant) && referential(c.np2.quant)) return true;
  return !c.negated && existentialOrReferential(c.np1.quant) && existentialOrReferential(c.np2.quant);
}

/** The same clause in the other voice: the noun phrases trade surface positions. */
export function withVoiceSwapped(c: Clause): Clause {
  return { ...c, np1: c.np2, np2: c.np1, voice: c.voice === 'active' ? 'passive' : 'active' };
}
