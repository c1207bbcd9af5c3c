/**
 * Hand-built clauses with hand-derived expectations: rendering, and each
 * task's labelling rule on sentences whose answer is worked out in the
 * comments.
 */
import { describe, expect, it } from 'vitest';
import type { Clause, NounPhrase, Quantifier } from '../src/synthetic/clause.js';
import { isWellFormed, selectionalViolations } from '../src/synthetic/clause.js';
import type { EditKind, EditSite } from '../src/synthetic/edits.js';
import { editsOf } from '../src/synthetic/edits.js';
import { adjectiveById, nounById, verbById } from '../src/synthetic/lexicon.js';
import { renderClause } from '../src/synthetic/render.js';
import { entailmentLabel } from '../src/synthetic/tasks/entailment.js';
import { meaningKey, paraphraseLabel } from '../src/synthetic/tasks/paraphrase.js';
import { sentimentLabel } from '../src/synthetic/tasks/sentiment.js';
import { similarityScore } from '../src/synthetic/tasks/similarity.js';

/** "def sg dog", "univ pl red:very dog:1" (adjective id, optional :very; noun id, optional :form). */
function np(spec: string): NounPhrase {
  const parts = spec.split(' ');
  const [quant, number] = parts as [Quantifier, 'sg' | 'pl'];
  const [nounId, form] = parts[parts.length - 1].split(':');
  const base: NounPhrase = { quant, number, noun: nounById(nounId), form: Number(form ?? 0) };
  if (parts.length === 3) return base;
  const [adjId, very] = parts[2].split(':');
  return { ...base, adj: { adj: adjectiveById(adjId), form: 0, very: very === 'very' } };
}

function clause(np1: string, verb: string, np2: string, extra: Partial<Pick<Clause, 'negated' | 'voice' | 'verbForm'>> = {}): Clause {
  return { np1: np(np1), np2: np(np2), verb: verbById(verb), verbForm: 0, negated: false, voice: 'active', ...extra };
}

/** The edit of a given kind and site whose result renders as `hypothesis`. */
function editTo(premise: Clause, kind: EditKind, site: EditSite, hypothesis: string) {
  const edit = editsOf(premise, kind, site).find((e) => renderClause(e.result) === hypothesis);
  if (edit === undefined) throw new Error(`no ${kind} edit of "${renderClause(premise)}" gives "${hypothesis}"`);
  return edit;
}

describe('rendering', () => {
  it('agrees determiners and verbs in number and picks a/an', () => {
    expect(renderClause(clause('def sg dog', 'chase', 'exist sg cat'))).toBe('the dog chases a cat .');
    expect(renderClause(clause('dem pl dog', 'chase', 'exist pl cat'))).toBe('these dogs chase some cats .');
    expect(renderClause(clause('univ sg ugly:very dog', 'eat', 'exist sg apple'))).toBe('every very ugly dog eats an apple .');
    expect(renderClause(clause('exist sg old child', 'eat', 'def pl apple'))).toBe('an old child eats the apples .');
    expect(renderClause(clause('no pl mouse', 'see', 'def sg cat', { negated: true }))).toBe('no mice do not see the cat .');
  });

  it('renders the passive with the patient first and the agent after "by"', () => {
    expect(renderClause(clause('def sg cat', 'chase', 'exist pl dog', { voice: 'passive' }))).toBe('the cat is chased by some dogs .');
    expect(renderClause(clause('def pl cat', 'see', 'def sg dog', { voice: 'passive', negated: true, verbForm: 1 }))).toBe(
      'the cats are not noticed by the dog .',
    );
  });
});

describe('selectional restrictions', () => {
  it('accepts animate lovers, rejects loving hammers, uneaten trucks and sad hammers', () => {
    expect(isWellFormed(clause('def sg dog', 'love', 'def sg hammer'))).toBe(true);
    expect(selectionalViolations(clause('def sg hammer', 'love', 'def sg dog'))).toEqual(['subject']);
    expect(selectionalViolations(clause('def sg dog', 'eat', 'def sg truck'))).toEqual(['object']);
    expect(selectionalViolations(clause('def sg child', 'carry', 'def sg castle'))).toEqual(['object']);
    expect(selectionalViolations(clause('def sg dog', 'see', 'def sg sad hammer'))).toEqual(['adjective']);
    // In the passive the agent is the "by" phrase: "the dog is loved by the hammer" is anomalous.
    expect(selectionalViolations(clause('def sg dog', 'love', 'def sg hammer', { voice: 'passive' }))).toEqual(['subject']);
  });
});

describe('sentiment rule', () => {
  it('reads polarity from adjectives and verbs, with negation and "no" flipping the verb', () => {
    // terrible (−1), see (0): negative.
    expect(sentimentLabel(clause('def sg terrible dog', 'see', 'def sg cat'))).toBe('0');
    // love (+2): positive; negated: −2; "no" subject flips back: +2.
    expect(sentimentLabel(clause('def sg dog', 'love', 'def sg cat'))).toBe('1');
    expect(sentimentLabel(clause('def sg dog', 'love', 'def sg cat', { negated: true }))).toBe('0');
    expect(sentimentLabel(clause('no sg dog', 'love', 'def sg cat', { negated: true }))).toBe('1');
    // very cruel (−2) + hate (−2) = −4 even in the passive.
    expect(sentimentLabel(clause('def sg cat', 'hate', 'def sg cruel:very dog', { voice: 'passive' }))).toBe('0');
    // kind (+1) + ugly (−1) + see (0) = 0: neutral, not used.
    expect(sentimentLabel(clause('def sg kind dog', 'see', 'def sg ugly cat'))).toBeUndefined();
    // very kind (+2) + harm (−2) = 0.
    expect(sentimentLabel(clause('def sg kind:very dog', 'harm', 'def sg cat'))).toBeUndefined();
  });
});

describe('entailment rule (natural logic)', () => {
  const label = (p: Clause, kind: EditKind, site: EditSite, h: string) => entailmentLabel(p, editTo(p, kind, site, h));

  it('generalising the subject noun is entailed upward, not downward', () => {
    expect(label(clause('def sg dog', 'chase', 'exist sg cat'), 'noun-hypernym', 'np1', 'the animal chases a cat .')).toBe('entailment');
    expect(label(clause('exist sg dog', 'chase', 'exist sg cat'), 'noun-hypernym', 'np1', 'an animal chases a cat .')).toBe('entailment');
    expect(label(clause('univ sg dog', 'chase', 'exist sg cat'), 'noun-hypernym', 'np1', 'every animal chases a cat .')).toBe('neutral');
    // "every animal" is downward: specialising it is entailed.
    expect(label(clause('univ sg animal', 'chase', 'exist sg cat'), 'noun-hyponym', 'np1', 'every dog chases a cat .')).toBe('entailment');
    expect(label(clause('no sg animal', 'chase', 'exist sg cat'), 'noun-hyponym', 'np1', 'no dog chases a cat .')).toBe('entailment');
  });

  it('negation reverses the object position', () => {
    expect(label(clause('def sg dog', 'chase', 'exist sg cat'), 'noun-hypernym', 'np2', 'the dog chases an animal .')).toBe('entailment');
    const negated = clause('def sg dog', 'chase', 'exist sg animal', { negated: true });
    expect(label(negated, 'noun-hyponym', 'np2', 'the dog does not chase a cat .')).toBe('entailment');
    expect(label(clause('def sg dog', 'chase', 'exist sg cat', { negated: true }), 'noun-hypernym', 'np2', 'the dog does not chase an animal .')).toBe('neutral');
  });

  it('adjectives narrow their noun: dropping is entailed upward, adding downward', () => {
    expect(label(clause('def sg red dog', 'see', 'exist sg cat'), 'adj-drop', 'np1', 'the dog sees a cat .')).toBe('entailment');
    expect(label(clause('def sg dog', 'see', 'exist sg cat'), 'adj-add', 'np1', 'the red dog sees a cat .')).toBe('neutral');
    expect(label(clause('univ sg dog', 'see', 'exist sg cat'), 'adj-add', 'np1', 'every red dog sees a cat .')).toBe('entailment');
    expect(label(clause('def sg happy dog', 'see', 'exist sg cat'), 'adj-opposite', 'np1', 'the sad dog sees a cat .')).toBe('neutral');
  });

  it('toggling negation contradicts unless the subject is existential', () => {
    expect(label(clause('def sg dog', 'chase', 'exist sg cat'), 'negation', 'clause', 'the dog does not chase a cat .')).toBe('contradiction');
    expect(label(clause('univ sg dog', 'chase', 'exist sg cat'), 'negation', 'clause', 'every dog does not chase a cat .')).toBe('contradiction');
    expect(label(clause('no sg dog', 'chase', 'exist sg cat'), 'negation', 'clause', 'no dog does not chase a cat .')).toBe('contradiction');
    expect(label(clause('exist sg dog', 'chase', 'exist sg cat'), 'negation', 'clause', 'a dog does not chase a cat .')).toBe('neutral');
  });

  it('antonym verbs contradict only between referential participants outside negation', () => {
    expect(label(clause('def sg dog', 'love', 'def sg cat'), 'verb-antonym', 'clause', 'the dog hates the cat .')).toBe('contradiction');
    // Loving one cat and hating another is possible.
    expect(label(clause('def sg dog', 'love', 'exist sg cat'), 'verb-antonym', 'clause', 'the dog hates a cat .')).toBe('neutral');
    // Not loving and not hating are compatible.
    expect(label(clause('def sg dog', 'love', 'def sg cat', { negated: true }), 'verb-antonym', 'clause', 'the dog does not hate the cat .')).toBe('neutral');
    // Every dog loves it vs every dog hates it: incompatible (dogs exist).
    expect(label(clause('univ sg dog', 'love', 'def sg cat'), 'verb-antonym', 'clause', 'every dog hates the cat .')).toBe('contradiction');
    expect(label(clause('def sg dog', 'love', 'def sg cat'), 'verb-other', 'clause', 'the dog sees the cat .')).toBe('neutral');
  });

  it('quantifier replacement: every ⇒ some, some ⇏ every, some vs no contradict', () => {
    const p = (q: string) => clause(`${q} sg dog`, 'chase', 'exist sg cat');
    expect(label(p('univ'), 'quantifier', 'clause', 'a dog chases a cat .')).toBe('entailment');
    expect(label(p('exist'), 'quantifier', 'clause', 'every dog chases a cat .')).toBe('neutral');
    expect(label(p('exist'), 'quantifier', 'clause', 'no dog chases a cat .')).toBe('contradiction');
    expect(label(p('def'), 'quantifier', 'clause', 'a dog chases a cat .')).toBe('entailment');
    expect(label(p('no'), 'quantifier', 'clause', 'the dog chases a cat .')).toBe('contradiction');
  });
});

describe('paraphrase rule', () => {
  it('synonyms and a scope-safe voice swap keep the meaning; a role swap does not', () => {
    const a = clause('def sg dog', 'chase', 'exist sg cat');
    expect(paraphraseLabel(a, clause('def sg dog:1', 'chase', 'exist sg cat', { verbForm: 1 }))).toBe('1'); // the hound pursues a cat
    expect(paraphraseLabel(a, clause('exist sg cat', 'chase', 'def sg dog', { voice: 'passive' }))).toBe('1'); // a cat is chased by the dog
    expect(paraphraseLabel(a, clause('def sg cat', 'chase', 'exist sg dog'))).toBe('0');
    expect(paraphraseLabel(a, clause('def sg dog', 'chase', 'exist sg cat', { negated: true }))).toBe('0');
  });

  it('does not equate active and passive when scope could differ', () => {
    // "every dog chases a cat" vs "a cat is chased by every dog".
    const active = clause('univ sg dog', 'chase', 'exist sg cat');
    const passive = clause('exist sg cat', 'chase', 'univ sg dog', { voice: 'passive' });
    expect(meaningKey(active)).not.toBe(meaningKey(passive));
  });
});

describe('similarity rule', () => {
  const a = clause('def sg dog', 'chase', 'def sg cat');
  it('is 5 for paraphrases, 3 for a negation, lower for a role swap, low for unrelated sentences', () => {
    expect(similarityScore(a, clause('def sg cat', 'chase', 'def sg dog:1', { voice: 'passive', verbForm: 1 }))).toBe(5);
    expect(similarityScore(a, { ...a, negated: true })).toBe(3);
    // Role swap: each role now has the other animal (same class: 0.5, weight 2); verb (2), absent
    // adjectives (1 each) and determiners (0.5 each) still match: 5 × (2·0.5·2 + 2 + 2·1 + 2·0.5) / 9 = 3.89.
    expect(similarityScore(a, clause('def sg cat', 'chase', 'def sg dog'))).toBeCloseTo((5 * (2 * 0.5 * 2 + 2 + 2 * 1 + 2 * 0.5)) / 9, 2);
    const unrelated = clause('exist pl red truck', 'hit', 'exist pl old castle');
    expect(similarityScore(a, unrelated)).toBeLessThan(1.5);
  });
});
