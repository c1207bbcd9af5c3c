/**
 * Turning a clause into words. Rendering is where grammatical number shows:
 * determiners agree with their noun, the verb (or auxiliary) agrees with the
 * surface subject. The acceptability task breaks exactly these rules, so the
 * pieces are exposed separately and `finishSentence` is shared.
 */
import type { Clause, GrammaticalNumber, NounPhrase } from './clause.js';

/** The determiner word for a quantifier and number; "a" becomes "an" later, in finishSentence. */
export function determinerWord(np: Pick<NounPhrase, 'quant' | 'number'>): string {
  const sg = np.number === 'sg';
  switch (np.quant) {
    case 'def':
      return 'the';
    case 'dem':
      return sg ? 'this' : 'these';
    case 'exist':
      return sg ? 'a' : 'some';
    case 'univ':
      return sg ? 'every' : 'all';
    case 'no':
      return 'no';
  }
}

export function nounWord(np: NounPhrase): string {
  const form = np.noun.forms[np.form];
  return np.number === 'sg' ? form.sg : form.pl;
}

/** Determiner, optional "very", optional adjective, noun. */
export function renderNounPhrase(np: NounPhrase): string[] {
  const words = [determinerWord(np)];
  if (np.adj !== undefined) {
    if (np.adj.very) words.push('very');
    words.push(np.adj.adj.forms[np.adj.form]);
  }
  words.push(nounWord(np));
  return words;
}

/**
 * The verb group, agreeing with `subjectNumber` (normally NP1's number; the
 * acceptability task passes the wrong one on purpose).
 */
export function renderVerbGroup(c: Clause, subjectNumber: GrammaticalNumber): string[] {
  const form = c.verb.forms[c.verbForm];
  const sg = subjectNumber === 'sg';
  if (c.voice === 'passive') {
    return [sg ? 'is' : 'are', ...(c.negated ? ['not'] : []), form.part, 'by'];
  }
  if (c.negated) return [sg ? 'does' : 'do', 'not', form.base];
  return [sg ? form.s3 : form.base];
}

/** Applies the a/an rule and appends the full stop. */
export function finishSentence(words: readonly string[]): string {
  const out = words.map((w, i) => {
    if (w !== 'a' && w !== 'an') return w;
    const next = words[i + 1];
    return next !== undefined && /^[aeiou]/.test(next) ? 'an' : 'a';
  });
  return [...out, '.'].join(' ');
}

/** The grammatical sentence expressing a clause. */
export function renderClause(c: Clause): string {
  return finishSentence([
    ...renderNounPhrase(c.np1),
    ...renderVerbGroup(c, c.np1.number),
    ...renderNounPhrase(c.np2),
  ]);
}
