/**
 * Does an encoder's word table know which words are synonyms? For each
 * synonym pair of the synthetic lexicon (same concept, two forms), the rank
 * of the partner among all words of the same part of speech by cosine
 * similarity of their input embeddings. Paraphrase hinges on telling a
 * synonym substitution (dog → hound) from a co-hyponym one (dog → cat).
 */
import { ADJECTIVES, NOUNS, VERBS } from '../synthetic/lexicon.js';

export interface SynonymProbeRow {
  partOfSpeech: string;
  pairs: number;
  words: number;
  /** Share of pairs whose partner is the nearest other word. */
  nearest: number;
  meanReciprocalRank: number;
  /** Expected nearest-share of a random table: 1 / (words − 1). */
  chance: number;
}

export function synonymProbe(table: Float32Array, dim: number, idOf: (word: string) => number): SynonymProbeRow[] {
  const vec = (w: string) => {
    const id = idOf(w);
    if (id < 0) throw new Error(`synonym probe: "${w}" is not in the vocabulary`);
    return table.subarray(id * dim, (id + 1) * dim);
  };
  const cos = (a: Float32Array, b: Float32Array) => {
    let d = 0;
    let x = 0;
    let y = 0;
    for (let i = 0; i < dim; i++) {
      d += a[i] * b[i];
      x += a[i] * a[i];
      y += b[i] * b[i];
    }
    return d / Math.sqrt(x * y);
  };
  const groupsByPos: [string, string[][]][] = [
    ['nouns (singular)', NOUNS.map((c) => c.forms.map((f) => f.sg))],
    ['adjectives', ADJECTIVES.map((c) => [...c.forms])],
    ['verbs (base form)', VERBS.map((c) => c.forms.map((f) => f.base))],
  ];
  return groupsByPos.map(([partOfSpeech, groups]) => {
    const all = groups.flat();
    let pairs = 0;
    let nearest = 0;
    let rr = 0;
    for (const g of groups) {
      for (const w of g) {
        for (const s of g) {
          if (w === s) continue;
          const target = cos(vec(w), vec(s));
          const rank = 1 + all.filter((x) => x !== w && x !== s && cos(vec(w), vec(x)) > target).length;
          pairs++;
          rr += 1 / rank;
          if (rank === 1) nearest++;
        }
      }
    }
    return { partOfSpeech, pairs, words: all.length, nearest: nearest / pairs, meanReciprocalRank: rr / pairs, chance: 1 / (all.length - 1) };
  });
}
