/**
 * syn-acceptability (CoLA-like): is the sentence acceptable ("1") or not ("0")?
 *
 * Acceptable sentences are ordinary well-formed clauses. An unacceptable one
 * is a well-formed clause with exactly one violation, of one of four kinds
 * (equally likely):
 *  - subject-verb agreement: the verb/auxiliary takes the wrong number ("the dog chase");
 *  - determiner agreement: a number-marked determiner disagrees with its noun ("this dogs");
 *  - word order: adjective after noun, determiner after noun, verb-final,
 *    or "not" before the auxiliary;
 *  - selectional restriction: a verb's agent or patient, or an animate-only
 *    adjective's noun, lacks the required latent attribute ("the hammer loves the cat").
 */
import type { Clause, NounPhrase, Quantifier, SelectionalViolation } from '../clause.js';
import { selectionalViolations, satisfiesObject, satisfiesSubject } from '../clause.js';
import { ADJECTIVES, VERBS } from '../lexicon.js';
import { determinerWord, finishSentence, renderClause, renderNounPhrase, renderVerbGroup } from '../render.js';
import { DEFAULT_CLAUSE_OPTIONS, buildClause, pickNoun, sampleClause } from '../sample.js';
import type { SeededRng } from '@bamgpu/core';
import type { GeneratedItem, TaskDefinition } from '../task-definition.js';
import { CLASSIFICATION_FLIP_RATE } from '../task-definition.js';

/** Share of acceptable sentences; CoLA's training set is about 70% acceptable. */
export const ACCEPTABLE_RATE = 0.65;

export type ViolationKind = 'subject-verb-agreement' | 'determiner-agreement' | 'word-order' | 'selectional';
export const VIOLATION_KINDS: readonly ViolationKind[] = ['subject-verb-agreement', 'determiner-agreement', 'word-order', 'selectional'];

const otherNumber = (n: 'sg' | 'pl'): 'sg' | 'pl' => (n === 'sg' ? 'pl' : 'sg');

function subjectVerbAgreement(c: Clause): string {
  return finishSentence([...renderNounPhrase(c.np1), ...renderVerbGroup(c, otherNumber(c.np1.number)), ...renderNounPhrase(c.np2)]);
}

/**
 * Determiners whose number disagrees visibly with a noun of number n. "a"
 * only counts before a plural ("a dogs"): "some" + singular is English.
 */
function markedQuantifiers(position: 'np1' | 'np2', n: 'sg' | 'pl'): Quantifier[] {
  const out: Quantifier[] = ['dem'];
  if (position === 'np1') out.push('univ'); // "every"/"all" only occur in subject position
  if (n === 'pl') out.push('exist');
  return out;
}

function determinerAgreement(rng: SeededRng, c: Clause): string {
  const position = rng.pick(['np1', 'np2'] as const);
  const np = c[position];
  const quant = rng.pick(markedQuantifiers(position, np.number));
  const wrongDet = determinerWord({ quant, number: otherNumber(np.number) });
  const words = (p: NounPhrase): string[] => (p === np ? [wrongDet, ...renderNounPhrase(p).slice(1)] : renderNounPhrase(p));
  return finishSentence([...words(c.np1), ...renderVerbGroup(c, c.np1.number), ...words(c.np2)]);
}

type WordOrderError = 'adjective-after-noun' | 'determiner-after-noun' | 'verb-final' | 'not-before-auxiliary';

function wordOrder(rng: SeededRng, c: Clause): string {
  const options: WordOrderError[] = ['determiner-after-noun'];
  if (c.np1.adj !== undefined || c.np2.adj !== undefined) options.push('adjective-after-noun');
  if (c.voice === 'active') options.push('verb-final');
  if (c.negated) options.push('not-before-auxiliary');
  const error = rng.pick(options);
  const np1 = renderNounPhrase(c.np1);
  const np2 = renderNounPhrase(c.np2);
  const verbGroup = renderVerbGroup(c, c.np1.number);
  switch (error) {
    case 'determiner-after-noun': {
      const words = rng.pick([np1, np2]);
      words.push(words.shift() as string); // "the red dog" → "red dog the"
      break;
    }
    case 'adjective-after-noun': {
      const words = c.np1.adj !== undefined && (c.np2.adj === undefined || rng.chance(0.5)) ? np1 : np2;
      const noun = words.pop() as string; // "the very red dog" → "the dog very red"
      words.splice(1, 0, noun);
      break;
    }
    case 'verb-final':
      return finishSentence([...np1, ...np2, ...verbGroup]);
    case 'not-before-auxiliary':
      [verbGroup[0], verbGroup[1]] = [verbGroup[1], verbGroup[0]]; // "does not" → "not does"
      break;
  }
  return finishSentence([...np1, ...verbGroup, ...np2]);
}

/** A clause breaking exactly one selectional restriction, of the requested kind, and otherwise well-formed. */
export function sampleAnomalousClause(rng: SeededRng, kind: SelectionalViolation): Clause {
  for (;;) {
    let clause: Clause;
    if (kind === 'subject') {
      const verb = rng.pick(VERBS.filter((v) => v.subject !== 'any'));
      const agent = pickNoun(rng, (n) => !satisfiesSubject(verb, n));
      const patient = pickNoun(rng, (n) => n.id !== agent.id && satisfiesObject(verb, n));
      clause = buildClause(rng, verb, agent, patient, DEFAULT_CLAUSE_OPTIONS);
    } else if (kind === 'object') {
      const verb = rng.pick(VERBS.filter((v) => v.object !== 'any'));
      const agent = pickNoun(rng, (n) => satisfiesSubject(verb, n));
      const patient = pickNoun(rng, (n) => n.id !== agent.id && !satisfiesObject(verb, n));
      clause = buildClause(rng, verb, agent, patient, DEFAULT_CLAUSE_OPTIONS);
    } else {
      const base = sampleClause(rng);
      const position = rng.pick(['np1', 'np2'] as const);
      if (base[position].noun.animate) continue;
      const adj = rng.pick(ADJECTIVES.filter((a) => a.animateOnly));
      const very = rng.chance(DEFAULT_CLAUSE_OPTIONS.veryRate);
      clause = { ...base, [position]: { ...base[position], adj: { adj, form: rng.int(adj.forms.length), very } } };
    }
    const violations = selectionalViolations(clause);
    if (violations.length === 1 && violations[0] === kind && clause.np1.noun.id !== clause.np2.noun.id) return clause;
  }
}

function generate(rng: SeededRng): GeneratedItem {
  if (rng.chance(ACCEPTABLE_RATE)) return { textA: renderClause(sampleClause(rng)), label: '1' };
  const kind = rng.pick(VIOLATION_KINDS);
  switch (kind) {
    case 'subject-verb-agreement':
      return { textA: subjectVerbAgreement(sampleClause(rng)), label: '0' };
    case 'determiner-agreement':
      return { textA: determinerAgreement(rng, sampleClause(rng)), label: '0' };
    case 'word-order':
      return { textA: wordOrder(rng, sampleClause(rng)), label: '0' };
    case 'selectional': {
      const which = rng.pick(['subject', 'object', 'adjective'] as const);
      return { textA: renderClause(sampleAnomalousClause(rng, which)), label: '0' };
    }
  }
}

export const ACCEPTABILITY_TASK: TaskDefinition = {
  name: 'syn-acceptability',
  analogue: 'CoLA',
  description: 'Single sentence, binary acceptability (1 acceptable, 0 not): agreement, word order and selectional violations.',
  kind: 'classification',
  labels: ['0', '1'],
  isPair: false,
  metrics: ['mcc', 'accuracy'],
  labelNoise: { kind: 'flip', rate: CLASSIFICATION_FLIP_RATE },
  sizes: { train: 2000, dev: 400, test: 400 },
  generate,
};
