/**
 * Independent re-derivations of each task's rule. The word tables below are
 * written out by hand, deliberately not imported from the generator, and
 * each check recomputes labels from the text alone for sentences of a
 * recognisable shape, then compares with the generator's noise-free labels.
 */
import { describe, expect, it } from 'vitest';
import type { Example } from '../src/data/example.js';
import type { SyntheticTask } from '../src/synthetic/index.js';
import { SPLIT_NAMES, generateSyntheticGlue } from '../src/synthetic/index.js';

const suite = generateSyntheticGlue({ seed: 3, labelNoise: false, testLabels: true });
const examples = (name: string): Example[] => {
  const t: SyntheticTask | undefined = suite.tasks.find((x) => x.name === name);
  if (t === undefined) throw new Error(name);
  return SPLIT_NAMES.flatMap((s) => t.splits[s]);
};
const toks = (s: string): string[] => s.split(' ');

const POSITIVE_ADJECTIVES = 'happy cheerful kind gentle brave bold beautiful lovely clean spotless wonderful excellent'.split(' ');
const NEGATIVE_ADJECTIVES = 'sad gloomy cruel vicious cowardly ugly hideous dirty filthy terrible awful'.split(' ');
const NEUTRAL_ADJECTIVES = 'big large small little old ancient red blue green'.split(' ');
const ADJECTIVES = new Set([...POSITIVE_ADJECTIVES, ...NEGATIVE_ADJECTIVES, ...NEUTRAL_ADJECTIVES]);
const verbForms = (s: string): string[] => s.split(' ');
const POSITIVE_VERBS = new Set(
  verbForms('loves love loved adores adore adored praises praise praised commends commend commended helps help helped assists assist assisted protects protect protected guards guard guarded greets greet greeted welcomes welcome welcomed'),
);
const NEGATIVE_VERBS = new Set(
  verbForms('hates hate hated despises despise despised criticizes criticize criticized condemns condemn condemned harms harm harmed hurts hurt attacks attack attacked assaults assault assaulted ignores ignore ignored neglects neglect neglected'),
);
const REFERENTIAL = new Set(['the', 'this', 'these']);
const EXISTENTIAL = new Set(['a', 'an', 'some']);
const DOWNWARD_SUBJECT = new Set(['every', 'all', 'no']);
const DETERMINERS = new Set([...REFERENTIAL, ...EXISTENTIAL, ...DOWNWARD_SUBJECT]);

/** Basic nouns (both numbers) → their class words (both numbers). */
const CLASSES: readonly [string, string][] = [
  ['dog dogs hound hounds cat cats horse horses steed steeds mouse mice bear bears', 'animal animals creature creatures'],
  ['child children kid kids doctor doctors physician physicians farmer farmers teacher teachers tutor tutors king kings monarch monarchs', 'person people human humans'],
  ['car cars automobile automobiles boat boats ship ships truck trucks lorry lorries bicycle bicycles bike bikes train trains', 'vehicle vehicles'],
  ['hammer hammers knife knives blade blades rope ropes cord cords shovel shovels spade spades saw saws', 'tool tools'],
  ['apple apples pie pies tart tarts cookie cookies biscuit biscuits sandwich sandwiches carrot carrots', 'snack snacks treat treats'],
  ['house houses home homes castle castles fortress fortresses tower towers barn barns cottage cottages cabin cabins', 'building buildings structure structures'],
];
const isHypernymPair = (basic: string, general: string): boolean =>
  CLASSES.some(([members, words]) => toks(members).includes(basic) && toks(words).includes(general));

const SYNONYMS: readonly [string, string][] = [
  ['dog', 'hound'], ['dogs', 'hounds'], ['child', 'kid'], ['children', 'kids'], ['car', 'automobile'], ['boat', 'ship'],
  ['happy', 'cheerful'], ['cruel', 'vicious'], ['terrible', 'awful'], ['big', 'large'],
  ['loves', 'adores'], ['love', 'adore'], ['hates', 'despises'], ['chases', 'pursues'], ['sees', 'notices'], ['eats', 'consumes'],
];
const areSynonyms = (a: string, b: string): boolean => SYNONYMS.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
/** Antonymous adjective concepts (all synonyms of each side), and the colours, which exclude one another. */
const OPPOSITE_ADJECTIVES: readonly [string, string][] = [
  ['happy cheerful', 'sad gloomy'], ['kind gentle', 'cruel vicious'], ['brave bold', 'cowardly'], ['beautiful lovely', 'ugly hideous'],
  ['clean spotless', 'dirty filthy'], ['wonderful excellent', 'terrible awful'], ['big large', 'small little'],
  ['red', 'blue'], ['red', 'green'], ['blue', 'green'],
];
const areOpposite = (a: string, b: string): boolean =>
  OPPOSITE_ADJECTIVES.some(([x, y]) => (toks(x).includes(a) && toks(y).includes(b)) || (toks(x).includes(b) && toks(y).includes(a)));
const NOUNS = new Set(CLASSES.flatMap(([m, w]) => [...toks(m), ...toks(w)]));

/** Positions where two equal-length token lists differ. */
function diffPositions(a: readonly string[], b: readonly string[]): number[] {
  if (a.length !== b.length) return [];
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

describe('syn-sentiment: lexical polarity with negation, re-derived from text', () => {
  function expectedSentiment(text: string): string {
    const w = toks(text);
    let adjectives = 0;
    let verb = 0;
    w.forEach((x, i) => {
      const weight = w[i - 1] === 'very' ? 2 : 1;
      if (POSITIVE_ADJECTIVES.includes(x)) adjectives += weight;
      if (NEGATIVE_ADJECTIVES.includes(x)) adjectives -= weight;
      if (POSITIVE_VERBS.has(x)) verb = 2;
      if (NEGATIVE_VERBS.has(x)) verb = -2;
    });
    if (w.includes('not')) verb = -verb;
    if (w[0] === 'no') verb = -verb;
    const score = adjectives + verb;
    expect(score, text).not.toBe(0);
    return score > 0 ? '1' : '0';
  }

  it('labels every sentence by the documented rule', () => {
    for (const e of examples('syn-sentiment')) expect(e.label, e.textA).toBe(expectedSentiment(e.textA));
  });

  it('a lone known negative adjective makes a sentence negative', () => {
    const lone = examples('syn-sentiment').filter((e) => {
      const w = toks(e.textA);
      const polar = w.filter((x) => POSITIVE_ADJECTIVES.includes(x) || NEGATIVE_ADJECTIVES.includes(x) || POSITIVE_VERBS.has(x) || NEGATIVE_VERBS.has(x));
      return polar.length === 1 && polar[0] === 'terrible';
    });
    expect(lone.length).toBeGreaterThan(3);
    for (const e of lone) expect(e.label, e.textA).toBe('0');
  });
});

describe('syn-acceptability: every rule-breaking sentence is labelled 0', () => {
  const SINGULAR_ONLY = new Set(['this', 'a', 'an', 'every']);
  const PLURAL_ONLY = new Set(['these', 'all']);
  // Each class list alternates singular, plural.
  const plurals = new Set(CLASSES.flatMap(([m, w]) => [...toks(m), ...toks(w)].filter((_, i) => i % 2 === 1)));
  const nouns = NOUNS;

  /** Recognises NP := DET [very] [ADJ] NOUN with determiner agreement; returns the index after it, or -1. */
  function nounPhrase(w: readonly string[], i: number): { end: number; plural: boolean } | undefined {
    const det = w[i];
    if (!DETERMINERS.has(det)) return undefined;
    let j = i + 1;
    if (w[j] === 'very') j++;
    if (ADJECTIVES.has(w[j])) j++;
    else if (w[j - 1] === 'very') return undefined;
    if (!nouns.has(w[j])) return undefined;
    const plural = plurals.has(w[j]);
    if ((plural && SINGULAR_ONLY.has(det)) || (!plural && PLURAL_ONLY.has(det))) return undefined;
    if ((det === 'a' || det === 'an') && (det === 'an') !== /^[aeiou]/.test(w[i + 1])) return undefined;
    return { end: j + 1, plural };
  }

  /** Subject-verb agreement and order, via the auxiliaries: checks "is/are", "does/do", and -s forms only where unambiguous. */
  function syntaxOk(text: string): boolean {
    const w = toks(text);
    const subject = nounPhrase(w, 0);
    if (subject === undefined) return false;
    let i = subject.end;
    if (w[i] === 'is' || w[i] === 'are') {
      if ((w[i] === 'are') !== subject.plural) return false;
      i++;
      if (w[i] === 'not') i++;
      i++; // participle
      if (w[i] !== 'by') return false;
      i++;
    } else if (w[i] === 'does' || w[i] === 'do') {
      if ((w[i] === 'do') !== subject.plural) return false;
      if (w[i + 1] !== 'not') return false;
      i += 3;
    } else {
      // A bare verb: -s forms go with singular subjects (every -s form ends in "s", no plain form does).
      if (DETERMINERS.has(w[i])) return false;
      if (w[i].endsWith('s') !== !subject.plural) return false;
      i++;
    }
    const object = nounPhrase(w, i);
    return object !== undefined && w[object.end] === '.' && object.end === w.length - 1;
  }

  it('labels 1 only sentences that the independent recogniser accepts, and 0 every sentence it rejects', () => {
    let rejected = 0;
    for (const e of examples('syn-acceptability')) {
      const ok = syntaxOk(e.textA);
      if (!ok) {
        rejected++;
        expect(e.label, e.textA).toBe('0');
      }
      if (e.label === '1') expect(ok, e.textA).toBe(true);
    }
    expect(rejected).toBeGreaterThan(500);
  });

  it('syntactically fine sentences labelled 0 are selectional violations (animate-only adjective on a thing, or a thing that loves)', () => {
    const things = new Set(CLASSES.slice(2).flatMap(([m, w]) => [...toks(m), ...toks(w)]));
    const animateOnly = new Set('happy cheerful sad gloomy kind gentle cruel vicious brave bold cowardly'.split(' '));
    const animateSubjectVerbs = new Set('loves love adores adore hates hate despises despise sees see notices notice eats eat'.split(' '));
    let checked = 0;
    for (const e of examples('syn-acceptability')) {
      const w = toks(e.textA);
      const active = !w.includes('by');
      const adjectiveOnThing = w.some((x, i) => animateOnly.has(x) && things.has(w[i + 1]));
      const thingLoves = active && things.has(w[w.findIndex((x) => nouns.has(x))]) && w.some((x) => animateSubjectVerbs.has(x));
      if (adjectiveOnThing || thingLoves) {
        checked++;
        expect(e.label, e.textA).toBe('0');
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe('syn-entailment: natural-logic rules re-derived for recognisable pairs', () => {
  const pairs = examples('syn-entailment').map((e) => ({ p: toks(e.textA), h: toks(e.textB ?? ''), label: e.label }));

  it('inserting or removing "not" in a passive contradicts after the/every/no and is neutral after a/some', () => {
    let seen = 0;
    for (const { p, h, label } of pairs) {
      const [longer, shorter] = p.length > h.length ? [p, h] : [h, p];
      const at = longer.indexOf('not');
      if (!longer.includes('by') || at < 0 || longer.length !== shorter.length + 1) continue;
      if (longer.filter((_, i) => i !== at).join(' ') !== shorter.join(' ')) continue;
      seen++;
      expect(label, `${p.join(' ')} / ${h.join(' ')}`).toBe(EXISTENTIAL.has(p[0]) ? 'neutral' : 'contradiction');
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('replacing the subject noun by its class word is entailed after the/a/some and neutral after every/all/no', () => {
    let seen = 0;
    for (const { p, h, label } of pairs) {
      const diff = diffPositions(p, h);
      if (diff.length !== 1) continue;
      const i = diff[0];
      // The differing word must be the first noun: only determiner / very / adjective before it.
      if (!p.slice(1, i).every((x) => x === 'very' || ADJECTIVES.has(x))) continue;
      if (!isHypernymPair(p[i], h[i])) continue;
      seen++;
      expect(label, `${p.join(' ')} / ${h.join(' ')}`).toBe(DOWNWARD_SUBJECT.has(p[0]) ? 'neutral' : 'entailment');
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('replacing a known word by its synonym is always entailed', () => {
    let seen = 0;
    for (const { p, h, label } of pairs) {
      const diff = diffPositions(p, h);
      if (diff.length === 1 && areSynonyms(p[diff[0]], h[diff[0]])) {
        seen++;
        expect(label).toBe('entailment');
      }
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('changing "every"/"all" to "a"/"some" is entailed; the reverse is neutral', () => {
    let seen = 0;
    for (const { p, h, label } of pairs) {
      const diff = diffPositions(p, h);
      if (diff.length !== 1 || diff[0] !== 0) continue;
      const universal = (x: string): boolean => x === 'every' || x === 'all';
      if (universal(p[0]) && EXISTENTIAL.has(h[0])) {
        seen++;
        expect(label).toBe('entailment');
      }
      if (EXISTENTIAL.has(p[0]) && universal(h[0])) {
        seen++;
        expect(label).toBe('neutral');
      }
    }
    expect(seen).toBeGreaterThan(10);
  });
});

describe('syn-paraphrase: meaning identity re-derived for recognisable pairs', () => {
  const pairs = examples('syn-paraphrase').map((e) => ({ a: toks(e.textA), b: toks(e.textB ?? ''), label: e.label }));
  const bag = (w: readonly string[]): string => w.map((x) => (x === 'an' ? 'a' : x)).sort().join(' ');

  it('the same words in active voice with the two nouns in opposite order (roles swapped) are not paraphrases', () => {
    let seen = 0;
    const nounsOf = (w: readonly string[]): string[] => w.filter((x) => NOUNS.has(x));
    for (const { a, b, label } of pairs) {
      if (a.includes('by') || b.includes('by') || bag(a) !== bag(b)) continue;
      const [n1, n2] = nounsOf(a);
      if (nounsOf(b).join(' ') !== `${n2} ${n1}`) continue;
      seen++;
      expect(label, `${a.join(' ')} / ${b.join(' ')}`).toBe('0');
    }
    // Rare (the verb form usually changes with the swapped numbers), but present.
    expect(seen).toBeGreaterThan(2);
  });

  it('a single known synonym swap is a paraphrase, a single opposite-adjective swap is not', () => {
    let synonyms = 0;
    let opposites = 0;
    for (const { a, b, label } of pairs) {
      const diff = diffPositions(a, b);
      if (diff.length !== 1) continue;
      if (areSynonyms(a[diff[0]], b[diff[0]])) {
        synonyms++;
        expect(label).toBe('1');
      }
      if (areOpposite(a[diff[0]], b[diff[0]])) {
        opposites++;
        expect(label).toBe('0');
      }
    }
    expect(synonyms).toBeGreaterThan(5);
    expect(opposites).toBeGreaterThan(3);
  });
});

describe('syn-similarity: graded overlap re-derived for recognisable pairs', () => {
  const pairs = examples('syn-similarity').map((e) => ({ a: toks(e.textA), b: toks(e.textB ?? ''), score: e.label as number }));

  it('a single synonym swap scores 5, a single negation toggle in a passive scores 3', () => {
    let synonyms = 0;
    let negations = 0;
    for (const { a, b, score } of pairs) {
      const diff = diffPositions(a, b);
      if (diff.length === 1 && areSynonyms(a[diff[0]], b[diff[0]])) {
        synonyms++;
        expect(score).toBe(5);
      }
      const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
      const at = longer.indexOf('not');
      if (longer.includes('by') && at >= 0 && longer.filter((_, i) => i !== at).join(' ') === shorter.join(' ')) {
        negations++;
        expect(score).toBe(3);
      }
    }
    expect(synonyms + negations).toBeGreaterThan(3);
  });

  it('scores fall as word overlap falls', () => {
    const overlap = (a: readonly string[], b: readonly string[]): number => {
      const sb = new Set(b);
      return a.filter((x) => sb.has(x)).length / Math.max(a.length, b.length);
    };
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    const high = pairs.filter((p) => overlap(p.a, p.b) >= 0.8).map((p) => p.score);
    const low = pairs.filter((p) => overlap(p.a, p.b) <= 0.4).map((p) => p.score);
    expect(high.length).toBeGreaterThan(20);
    expect(low.length).toBeGreaterThan(20);
    expect(mean(high) - mean(low)).toBeGreaterThan(1.5);
  });
});
