/**
 * A next sentence about something the last one mentioned (corpus v2, docs
 * §10): real text keeps talking about its referents, and names them again
 * with the same noun, a synonym or the class word ("a dog … the hound …
 * the animal"), never a co-hyponym, which would be another thing. That
 * makes synonymy and hypernymy visible in raw text.
 */
import type { Clause, NounPhrase } from './clause.js';
import { isWellFormed, satisfiesObject, satisfiesSubject } from './clause.js';
import { VERBS, hypernymOf } from './lexicon.js';
import type { SeededRng } from '@bamgpu/core';
import { DEFAULT_CLAUSE_OPTIONS, buildClause, pickNoun } from './sample.js';

/** A basic noun is named again by its class word this often (as "the animal" refers back to "a dog"). */
const HYPERNYM_MENTION_RATE = 0.25;
/** A re-mention repeats the referent's adjective (in any of its synonyms) this often. */
const ADJECTIVE_KEPT_RATE = 0.5;
/** Bound on redraws of the new clause, so no referent could loop forever. */
const MAX_TRIES = 100;

/** Noun phrases that introduce something a later sentence can call "the …": not "every" or "no". */
function referents(c: Clause): NounPhrase[] {
  return [c.np1, c.np2].filter((np) => np.quant === 'def' || np.quant === 'dem' || np.quant === 'exist');
}

/** "the" + the referent's noun (any synonym) or its class word, same number, maybe the same adjective. */
function reMention(rng: SeededRng, np: NounPhrase): NounPhrase {
  const noun = !np.noun.isHypernym && rng.chance(HYPERNYM_MENTION_RATE) ? hypernymOf(np.noun) : np.noun;
  const base = { quant: 'def' as const, number: np.number, noun, form: rng.int(noun.forms.length) };
  const adj = np.adj;
  if (adj === undefined || !rng.chance(ADJECTIVE_KEPT_RATE)) return base;
  if (adj.adj.animateOnly && !noun.animate) return base;
  return { ...base, adj: { adj: adj.adj, form: rng.int(adj.adj.forms.length), very: adj.very } };
}

/**
 * A new well-formed clause in which one referent of `first` takes part again
 * (as agent or patient, either voice), or undefined when `first` has no
 * referent a definite can pick up.
 */
export function continueAbout(rng: SeededRng, first: Clause): Clause | undefined {
  const candidates = referents(first);
  if (candidates.length === 0) return undefined;
  const mention = reMention(rng, rng.pick(candidates));
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const verb = rng.pick(VERBS);
    const asAgent = rng.chance(0.5);
    const fits = asAgent ? satisfiesSubject(verb, mention.noun) : satisfiesObject(verb, mention.noun);
    if (!fits) continue;
    const other = asAgent
      ? pickNoun(rng, (n) => n.id !== mention.noun.id && satisfiesObject(verb, n))
      : pickNoun(rng, (n) => n.id !== mention.noun.id && satisfiesSubject(verb, n));
    const fresh = asAgent
      ? buildClause(rng, verb, mention.noun, other, DEFAULT_CLAUSE_OPTIONS)
      : buildClause(rng, verb, other, mention.noun, DEFAULT_CLAUSE_OPTIONS);
    const referentFirst = (fresh.voice === 'active') === asAgent;
    const clause = referentFirst ? { ...fresh, np1: mention } : { ...fresh, np2: mention };
    if (isWellFormed(clause)) return clause;
  }
  return undefined;
}
