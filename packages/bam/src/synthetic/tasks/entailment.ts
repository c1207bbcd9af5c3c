/**
 * syn-entailment (MNLI/RTE-like, 3-way): does the premise entail, contradict,
 * or leave open the hypothesis?
 *
 * The hypothesis is the premise with one atomic edit (noun to synonym /
 * hypernym / hyponym / other noun, adjective dropped / added / replaced,
 * "very" dropped / added, verb to synonym / antonym / other verb, subject
 * determiner replaced, negation toggled), optionally plus one extra synonym
 * substitution elsewhere (≡ changes nothing but surface overlap). The label
 * is computed by natural logic: the edit's local relation is projected
 * through its contexts, innermost first:
 *   subject noun/adjective:  restrictor of NP1's determiner
 *   object noun/adjective:   restrictor of "a/some" (NP2 is existential whenever it is edited),
 *                            then negation if present, then NP1's scope
 *   verb:                    scope of NP2's determiner, negation, NP1's scope
 *   negation toggled:        NP1's scope (the relation is ^)
 *   subject determiner:      top level (see quantifierRelation)
 * Target labels are drawn uniformly and premises/edits resampled until the
 * computed label matches, so the classes are balanced.
 */
import type { Clause } from '../clause.js';
import type { Edit, EditOption, PhraseEditKind } from '../edits.js';
import { CLAUSE_EDIT_KINDS, PHRASE_EDIT_KINDS, editOptions, sampleEdit } from '../edits.js';
import type { EntailmentLabel, Projection } from '../natural-logic.js';
import { EXISTENTIAL, NEGATION, labelOf, project, restrictorProjection, scopeProjection } from '../natural-logic.js';
import { renderClause } from '../render.js';
import { DEFAULT_CLAUSE_OPTIONS, sampleClause } from '../sample.js';
import type { SeededRng } from '@bamgpu/core';
import type { GeneratedItem, TaskDefinition } from '../task-definition.js';
import { CLASSIFICATION_FLIP_RATE } from '../task-definition.js';

export const ENTAILMENT_LABELS: readonly EntailmentLabel[] = ['entailment', 'neutral', 'contradiction'];

/** Probability of one extra meaning-preserving synonym substitution in the hypothesis. */
const DISTRACTOR_SYNONYM_RATE = 0.3;

/** The contexts, innermost first, that an edit of a premise sits in. */
export function editContexts(premise: Clause, edit: Pick<Edit, 'kind' | 'site'>): Projection[] {
  const negation = premise.negated ? [NEGATION] : [];
  const np1Scope = scopeProjection(premise.np1.quant);
  if (edit.site === 'np1') return [restrictorProjection(premise.np1.quant)];
  if (edit.site === 'np2') {
    if (premise.np2.quant !== 'exist') throw new Error('object restrictor edits need an existential object');
    return [EXISTENTIAL, ...negation, np1Scope];
  }
  switch (edit.kind) {
    case 'verb-synonym':
    case 'verb-antonym':
    case 'verb-other':
      return [scopeProjection(premise.np2.quant), ...negation, np1Scope];
    case 'negation':
      return [np1Scope];
    case 'quantifier':
      return [];
    default:
      throw new Error(`edit kind ${edit.kind} has no natural-logic context`);
  }
}

/** The gold relation label of premise vs. premise-with-edit. */
export function entailmentLabel(premise: Clause, edit: Edit): EntailmentLabel {
  return labelOf(project(edit.relation, editContexts(premise, edit)));
}

/**
 * Edits with a well-defined single relation. Object-phrase edits only when
 * the object is existential: a referential object ("the cat") under
 * negation has no agreed monotonicity.
 */
function entailmentEditOptions(premise: Clause): EditOption[] {
  const sites: ('np1' | 'np2')[] = premise.np2.quant === 'exist' ? ['np1', 'np2'] : ['np1'];
  return editOptions(PHRASE_EDIT_KINDS, sites, CLAUSE_EDIT_KINDS);
}

const SYNONYM_OPTIONS: readonly EditOption[] = editOptions(['noun-synonym', 'adj-synonym'] satisfies PhraseEditKind[], ['np1', 'np2'], ['verb-synonym']);

/** A meaning-preserving synonym swap at a site other than the main edit's, if one exists. */
function distractorSynonym(rng: SeededRng, hypothesis: Clause, edit: Edit): Clause {
  // The only clause-level synonym option is the verb's, so it clashes only with a verb edit.
  const clashes = (o: EditOption): boolean => (o.site === 'clause' ? edit.kind.startsWith('verb-') : o.site === edit.site);
  const options = SYNONYM_OPTIONS.filter((o) => !clashes(o));
  return sampleEdit(rng, hypothesis, options)?.result ?? hypothesis;
}

function generate(rng: SeededRng): GeneratedItem {
  const target = rng.pick(ENTAILMENT_LABELS);
  for (;;) {
    const premise = sampleClause(rng, DEFAULT_CLAUSE_OPTIONS);
    const edit = sampleEdit(rng, premise, entailmentEditOptions(premise));
    if (edit === undefined) continue;
    const label = entailmentLabel(premise, edit);
    if (label !== target) continue;
    const hypothesis = rng.chance(DISTRACTOR_SYNONYM_RATE) ? distractorSynonym(rng, edit.result, edit) : edit.result;
    return { textA: renderClause(premise), textB: renderClause(hypothesis), label };
  }
}

export const ENTAILMENT_TASK: TaskDefinition = {
  name: 'syn-entailment',
  analogue: 'MNLI / RTE',
  description: 'Sentence pair, 3-way entailment (entailment / neutral / contradiction) by natural-logic rules over the lexicon.',
  kind: 'classification',
  labels: ENTAILMENT_LABELS,
  isPair: true,
  metrics: ['accuracy'],
  labelNoise: { kind: 'flip', rate: CLASSIFICATION_FLIP_RATE },
  sizes: { train: 2000, dev: 400, test: 400 },
  generate,
};
