/**
 * A small natural-logic calculus (MacCartney & Manning, 2009) that labels
 * premise/hypothesis pairs differing by one atomic edit. The edit has a
 * local semantic relation (e.g. "dog" ⊏ "animal"); the relation is
 * projected outwards through each context it sits in (negation flips
 * ⊏/⊐, "every" makes its restrictor downward-monotone, ...), and the
 * projected relation decides the label. All quantifiers carry existential
 * import (every noun denotes a non-empty set) and "the"/"this"/"these" are
 * referential, as in everyday reading.
 */
import type { Quantifier } from './clause.js';

/**
 * The seven basic relations between two expressions' denotations x and y:
 * eq x = y; fwd x ⊏ y (forward entailment); rev x ⊐ y; neg x ^ y
 * (complements); alt x | y (disjoint, not exhaustive); cov x ⌣ y (exhaustive,
 * overlapping); ind x # y (independent).
 */
export type Relation = 'eq' | 'fwd' | 'rev' | 'neg' | 'alt' | 'cov' | 'ind';

export type EntailmentLabel = 'entailment' | 'neutral' | 'contradiction';

/** How a context maps the relation of its argument to the relation of the whole. */
export type Projection = Readonly<Record<Relation, Relation>>;

/** Upward-monotone and fully preserving: referential subjects' scope, the top level. */
export const IDENTITY: Projection = { eq: 'eq', fwd: 'fwd', rev: 'rev', neg: 'neg', alt: 'alt', cov: 'cov', ind: 'ind' };

/** Sentential negation "not". */
export const NEGATION: Projection = { eq: 'eq', fwd: 'rev', rev: 'fwd', neg: 'neg', alt: 'cov', cov: 'alt', ind: 'ind' };

/**
 * Both arguments of an existential ("a", "some"): upward; "a dog runs" and
 * "a dog does not run" can both hold (^ → ⌣); disjoint restrictors or scopes
 * can both hold or both fail (| → #).
 */
export const EXISTENTIAL: Projection = { eq: 'eq', fwd: 'fwd', rev: 'rev', neg: 'cov', alt: 'ind', cov: 'cov', ind: 'ind' };

/**
 * Restrictor of a referential determiner ("the dog"): upward ("the dog runs"
 * ⊏ "the animal runs"), but "the dog runs" / "the cat runs" are independent.
 * ^ and ⌣ never reach a restrictor in this language; they map to # to be safe.
 */
export const REFERENTIAL_RESTRICTOR: Projection = { eq: 'eq', fwd: 'fwd', rev: 'rev', neg: 'ind', alt: 'ind', cov: 'ind', ind: 'ind' };

/** Restrictor of "every"/"all": downward; disjoint restrictors give independent claims. */
export const UNIVERSAL_RESTRICTOR: Projection = { eq: 'eq', fwd: 'rev', rev: 'fwd', neg: 'ind', alt: 'ind', cov: 'ind', ind: 'ind' };

/**
 * Scope of "every"/"all": upward; with a non-empty restrictor "every dog P"
 * and "every dog not-P" cannot both hold but can both fail (^ → |), and
 * disjoint P, Q stay incompatible (| → |); exhaustive P, Q give nothing (⌣ → #).
 */
export const UNIVERSAL_SCOPE: Projection = { eq: 'eq', fwd: 'fwd', rev: 'rev', neg: 'alt', alt: 'alt', cov: 'ind', ind: 'ind' };

/** Restrictor of "no": downward; disjoint restrictors give independent claims. */
export const NO_RESTRICTOR: Projection = { eq: 'eq', fwd: 'rev', rev: 'fwd', neg: 'ind', alt: 'ind', cov: 'ind', ind: 'ind' };

/**
 * Scope of "no": downward; "no dog P" and "no dog not-P" cannot both hold
 * (^ → |), "no dog loves it" and "no dog hates it" can (| → #), and exhaustive
 * P, Q cannot both be denied of a non-empty set (⌣ → |).
 */
export const NO_SCOPE: Projection = { eq: 'eq', fwd: 'rev', rev: 'fwd', neg: 'alt', alt: 'ind', cov: 'alt', ind: 'ind' };

export function restrictorProjection(q: Quantifier): Projection {
  switch (q) {
    case 'def':
    case 'dem':
      return REFERENTIAL_RESTRICTOR;
    case 'exist':
      return EXISTENTIAL;
    case 'univ':
      return UNIVERSAL_RESTRICTOR;
    case 'no':
      return NO_RESTRICTOR;
  }
}

export function scopeProjection(q: Quantifier): Projection {
  switch (q) {
    case 'def':
    case 'dem':
      return IDENTITY;
    case 'exist':
      return EXISTENTIAL;
    case 'univ':
      return UNIVERSAL_SCOPE;
    case 'no':
      return NO_SCOPE;
  }
}

/** Projects a local relation through contexts listed from the innermost outwards. */
export function project(relation: Relation, contextsInnermostFirst: readonly Projection[]): Relation {
  let r = relation;
  for (const ctx of contextsInnermostFirst) r = ctx[r];
  return r;
}

/** ≡ and ⊏ make the hypothesis follow; ^ and | make it impossible; the rest leave it open. */
export function labelOf(relation: Relation): EntailmentLabel {
  switch (relation) {
    case 'eq':
    case 'fwd':
      return 'entailment';
    case 'neg':
    case 'alt':
      return 'contradiction';
    case 'rev':
    case 'cov':
    case 'ind':
      return 'neutral';
  }
}

/**
 * The relation between "Q1 N P" and "Q2 N P" (same restrictor N and scope P,
 * N non-empty), for the determiner replacements the language uses; undefined
 * for pairs whose relation depends on more than the determiners (e.g. "the"
 * versus "every"), which are never generated.
 */
export function quantifierRelation(from: Quantifier, to: Quantifier): Relation | undefined {
  const kind = (q: Quantifier): 'ref' | Quantifier => (q === 'def' || q === 'dem' ? 'ref' : q);
  const a = kind(from);
  const b = kind(to);
  if (a === b) return undefined; // "the" versus "this" is not a meaning change we model
  const key = `${a}>${b}`;
  switch (key) {
    case 'ref>exist': // the dog runs ⇒ a dog runs
    case 'univ>exist': // every dog runs ⇒ a dog runs (existential import)
      return 'fwd';
    case 'exist>ref':
    case 'exist>univ':
      return 'rev';
    case 'exist>no':
    case 'no>exist':
      return 'neg';
    case 'univ>no':
    case 'no>univ':
    case 'ref>no':
    case 'no>ref':
      return 'alt';
    default:
      return undefined;
  }
}
