// The synonym oracle: every noun, adjective and verb form is written as its concept's first form, and
// "a"/"an" follow the new next word. Applied to both sentences of a pair, it hands a model synonymy: a pair
// that only swaps synonyms becomes one sentence twice. Used by oracle-synonyms.mjs and by
// ../pair-objectives/dump-suite.mjs (ORACLE=1).
import { NOUNS, ADJECTIVES, VERBS } from '../../../packages/bam/dist/synthetic/lexicon.js';

const canon = new Map();
for (const n of NOUNS) for (const f of n.forms) { canon.set(f.sg, n.forms[0].sg); canon.set(f.pl, n.forms[0].pl); }
for (const a of ADJECTIVES) for (const f of a.forms) canon.set(f, a.forms[0]);
for (const v of VERBS) for (const f of v.forms) { canon.set(f.s3, v.forms[0].s3); canon.set(f.base, v.forms[0].base); canon.set(f.part, v.forms[0].part); }

export function oracleText(t) {
  const w = t.split(' ').map((x) => canon.get(x) ?? x);
  for (let i = 0; i + 1 < w.length; i++) if (w[i] === 'a' || w[i] === 'an') w[i] = /^[aeiou]/.test(w[i + 1]) ? 'an' : 'a';
  return w.join(' ');
}

export const oracleExample = (e) => ({ ...e, textA: oracleText(e.textA), ...(e.textB !== undefined ? { textB: oracleText(e.textB) } : {}) });
