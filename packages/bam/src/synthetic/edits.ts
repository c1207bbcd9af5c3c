/**
 * Atomic edits of a clause: the moves from which the pair tasks build their
 * second sentence. Each edit records the semantic relation between the
 * edited constituent before and after (e.g. noun-hypernym: "dog" ⊏
 * "animal"), which the entailment task projects with natural logic and the
 * paraphrase task uses to tell meaning-preserving edits (≡) from the rest.
 * Only edits whose result is well-formed are offered.
 */
import type { AdjectivePhrase, Clause, NounPhrase, Quantifier } from './clause.js';
import { isWellFormed, voiceSwapKeepsMeaning, withVoiceSwapped } from './clause.js';
import type { NounConcept } from './lexicon.js';
import { ADJECTIVES, NOUNS, VERBS, adjectiveById, hypernymOf, hyponymsOf, verbById } from './lexicon.js';
import type { Relation } from './natural-logic.js';
import { quantifierRelation } from './natural-logic.js';
import type { SeededRng } from '@bamgpu/core';

/** Edits of a noun phrase's restrictor (its noun or adjective). */
export type PhraseEditKind =
  | 'noun-synonym'
  | 'noun-hypernym'
  | 'noun-hyponym'
  | 'noun-other'
  | 'adj-drop'
  | 'adj-add'
  | 'adj-synonym'
  | 'adj-opposite'
  | 'adj-other'
  | 'very-drop'
  | 'very-add';

/** Edits elsewhere in the clause. */
export type ClauseEditKind = 'verb-synonym' | 'verb-antonym' | 'verb-other' | 'quantifier' | 'negation';

/** Structural edits used by paraphrase and similarity only (they have no single natural-logic relation). */
export type StructuralEditKind = 'voice-swap' | 'role-swap';

export type EditKind = PhraseEditKind | ClauseEditKind | StructuralEditKind;

/** Where an edit happens: a noun phrase, or the clause for verb/quantifier/negation/structural edits. */
export type EditSite = 'np1' | 'np2' | 'clause';

export interface Edit {
  readonly kind: EditKind;
  readonly site: EditSite;
  /**
   * Relation between the edited constituent before and after, before any
   * projection (for "quantifier" and "negation" it is the relation of the
   * determiners / verb phrases). Structural edits: 'eq' for a voice swap that
   * keeps meaning, 'ind' for a role swap.
   */
  readonly relation: Relation;
  readonly result: Clause;
}

export const PHRASE_EDIT_KINDS: readonly PhraseEditKind[] = [
  'noun-synonym', 'noun-hypernym', 'noun-hyponym', 'noun-other',
  'adj-drop', 'adj-add', 'adj-synonym', 'adj-opposite', 'adj-other', 'very-drop', 'very-add',
];
export const CLAUSE_EDIT_KINDS: readonly ClauseEditKind[] = ['verb-synonym', 'verb-antonym', 'verb-other', 'quantifier', 'negation'];

interface PhraseChange {
  readonly relation: Relation;
  readonly np: NounPhrase;
}

function otherForms(count: number, current: number): number[] {
  const out: number[] = [];
  for (let f = 0; f < count; f++) if (f !== current) out.push(f);
  return out;
}

function allForms(count: number): number[] {
  return otherForms(count, -1);
}

function withNoun(np: NounPhrase, noun: NounConcept, form: number): NounPhrase {
  return { ...np, noun, form };
}

function withoutAdjective(np: NounPhrase): NounPhrase {
  return { quant: np.quant, number: np.number, noun: np.noun, form: np.form };
}

function withAdjective(np: NounPhrase, adj: AdjectivePhrase): NounPhrase {
  return { ...np, adj };
}

const areHypernymRelated = (a: NounConcept, b: NounConcept): boolean =>
  a.cls === b.cls && (a.isHypernym || b.isHypernym);

/** Whether two different adjectives are incompatible (antonyms, or two colours). */
export function adjectivesOpposed(a: string, b: string): boolean {
  const x = adjectiveById(a);
  const y = adjectiveById(b);
  return a !== b && (x.antonym === b || (x.colour && y.colour));
}

function phraseChanges(np: NounPhrase, kind: PhraseEditKind): PhraseChange[] {
  const adj = np.adj;
  switch (kind) {
    case 'noun-synonym':
      return otherForms(np.noun.forms.length, np.form).map((f) => ({ relation: 'eq', np: withNoun(np, np.noun, f) }));
    case 'noun-hypernym': {
      if (np.noun.isHypernym) return [];
      const h = hypernymOf(np.noun);
      return allForms(h.forms.length).map((f) => ({ relation: 'fwd', np: withNoun(np, h, f) }));
    }
    case 'noun-hyponym':
      if (!np.noun.isHypernym) return [];
      return hyponymsOf(np.noun).flatMap((n) => allForms(n.forms.length).map((f) => ({ relation: 'rev' as const, np: withNoun(np, n, f) })));
    case 'noun-other':
      // Distinct basic nouns, and nouns of different classes, are disjoint in this language.
      return NOUNS.filter((n) => n.id !== np.noun.id && !areHypernymRelated(n, np.noun)).flatMap((n) =>
        allForms(n.forms.length).map((f) => ({ relation: 'alt' as const, np: withNoun(np, n, f) })),
      );
    case 'adj-drop':
      // "[very] red dog" ⊏ "dog": intersective adjectives narrow the noun.
      return adj === undefined ? [] : [{ relation: 'fwd', np: withoutAdjective(np) }];
    case 'adj-add':
      if (adj !== undefined) return [];
      return ADJECTIVES.flatMap((a) => allForms(a.forms.length).map((f) => ({ relation: 'rev' as const, np: withAdjective(np, { adj: a, form: f, very: false }) })));
    case 'adj-synonym':
      if (adj === undefined) return [];
      return otherForms(adj.adj.forms.length, adj.form).map((f) => ({ relation: 'eq', np: withAdjective(np, { ...adj, form: f }) }));
    case 'adj-opposite':
    case 'adj-other': {
      if (adj === undefined) return [];
      const opposed = kind === 'adj-opposite';
      return ADJECTIVES.filter((a) => a.id !== adj.adj.id && adjectivesOpposed(adj.adj.id, a.id) === opposed).flatMap((a) =>
        allForms(a.forms.length).map((f) => ({
          relation: opposed ? ('alt' as const) : ('ind' as const),
          np: withAdjective(np, { adj: a, form: f, very: adj.very && a.gradable }),
        })),
      );
    }
    case 'very-drop':
      return adj === undefined || !adj.very ? [] : [{ relation: 'fwd', np: withAdjective(np, { ...adj, very: false }) }];
    case 'very-add':
      return adj === undefined || adj.very || !adj.adj.gradable ? [] : [{ relation: 'rev', np: withAdjective(np, { ...adj, very: true }) }];
  }
}

const QUANTIFIERS: readonly Quantifier[] = ['def', 'dem', 'exist', 'univ', 'no'];

function clauseEdits(c: Clause, kind: ClauseEditKind): Omit<Edit, 'kind' | 'site'>[] {
  switch (kind) {
    case 'verb-synonym':
      return otherForms(c.verb.forms.length, c.verbForm).map((f) => ({ relation: 'eq', result: { ...c, verbForm: f } }));
    case 'verb-antonym': {
      if (c.verb.antonym === undefined) return [];
      const v = verbById(c.verb.antonym);
      return allForms(v.forms.length).map((f) => ({ relation: 'alt', result: { ...c, verb: v, verbForm: f } }));
    }
    case 'verb-other':
      return VERBS.filter((v) => v.id !== c.verb.id && v.id !== c.verb.antonym).flatMap((v) =>
        allForms(v.forms.length).map((f) => ({ relation: 'ind' as const, result: { ...c, verb: v, verbForm: f } })),
      );
    case 'quantifier':
      return QUANTIFIERS.flatMap((q) => {
        const relation = quantifierRelation(c.np1.quant, q);
        return relation === undefined ? [] : [{ relation, result: { ...c, np1: { ...c.np1, quant: q } } }];
      });
    case 'negation':
      return [{ relation: 'neg', result: { ...c, negated: !c.negated } }];
  }
}

function structuralEdits(c: Clause, kind: StructuralEditKind): Omit<Edit, 'kind' | 'site'>[] {
  switch (kind) {
    case 'voice-swap':
      return voiceSwapKeepsMeaning(c) ? [{ relation: 'eq', result: withVoiceSwapped(c) }] : [];
    case 'role-swap': {
      // The participants trade places; determiners stay where they were.
      const np1: NounPhrase = { ...c.np2, quant: c.np1.quant };
      const np2: NounPhrase = { ...c.np1, quant: c.np2.quant };
      return [{ relation: 'ind', result: { ...c, np1, np2 } }];
    }
  }
}

const isPhraseKind = (k: EditKind): k is PhraseEditKind => (PHRASE_EDIT_KINDS as readonly EditKind[]).includes(k);
const isClauseKind = (k: EditKind): k is ClauseEditKind => (CLAUSE_EDIT_KINDS as readonly EditKind[]).includes(k);

/** Every well-formed edit of one kind at one site (phrase kinds need np1/np2, the others 'clause'). */
export function editsOf(c: Clause, kind: EditKind, site: EditSite): Edit[] {
  let raw: Omit<Edit, 'kind' | 'site'>[];
  if (isPhraseKind(kind)) {
    if (site === 'clause') return [];
    raw = phraseChanges(c[site], kind).map((ch) => ({ relation: ch.relation, result: { ...c, [site]: ch.np } }));
  } else if (site !== 'clause') {
    return [];
  } else if (isClauseKind(kind)) {
    raw = clauseEdits(c, kind);
  } else {
    raw = structuralEdits(c, kind);
  }
  return raw.filter((e) => isWellFormed(e.result)).map((e) => ({ ...e, kind, site }));
}

export interface EditOption {
  readonly kind: EditKind;
  readonly site: EditSite;
}

/** Each phrase kind at each of the given noun-phrase sites, plus each clause-level kind. */
export function editOptions(
  phraseKinds: readonly PhraseEditKind[],
  phraseSites: readonly ('np1' | 'np2')[],
  clauseKinds: readonly (ClauseEditKind | StructuralEditKind)[],
): EditOption[] {
  return [
    ...phraseKinds.flatMap((kind) => phraseSites.map((site) => ({ kind, site }))),
    ...clauseKinds.map((kind) => ({ kind, site: 'clause' as const })),
  ];
}

/**
 * A random edit: an option (kind and site) is chosen uniformly among those
 * that have at least one well-formed instance, then an instance uniformly.
 * Choosing the kind first keeps rare-but-important kinds (negation) from
 * being swamped by kinds with many instances (replacing a noun).
 * Returns undefined if no option applies.
 */
export function sampleEdit(rng: SeededRng, c: Clause, options: readonly EditOption[]): Edit | undefined {
  // Drawing options without replacement until one applies is the same
  // distribution as drawing among the applicable ones, without building every
  // instance of every option first.
  const remaining = [...options];
  while (remaining.length > 0) {
    const i = rng.int(remaining.length);
    const o = remaining[i];
    const edits = editsOf(c, o.kind, o.site);
    if (edits.length > 0) return rng.pick(edits);
    remaining.splice(i, 1);
  }
  return undefined;
}
