// The pre-training corpus: deterministic, prefix-stable, well-formed text of
// the suite's language, and free of every dev/test sentence of the suite.
import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import { CORPUS_PAIR_RATE, generatePretrainingCorpus, generateSyntheticGlue, syntheticVocabulary } from '../src/synthetic/index.js';

const suite = generateSyntheticGlue({ seed: 0 });

test('deterministic, and a smaller corpus is a prefix of a larger one', () => {
  const a = generatePretrainingCorpus(suite, { size: 3000 });
  const b = generatePretrainingCorpus(generateSyntheticGlue({ seed: 0 }), { size: 1000 });
  expect(b).toEqual(a.slice(0, 1000));
  const other = generatePretrainingCorpus(generateSyntheticGlue({ seed: 1 }), { size: 1000 });
  expect(other).not.toEqual(b);
  // Frozen: a change to the generator, the grammar or the streams shows here.
  const hash = createHash('sha256').update(JSON.stringify(a)).digest('hex');
  expect(hash.slice(0, 16)).toMatchInlineSnapshot(`"84ecad25192953cf"`);
});

test('no dev or test sentence of any task, only the suite vocabulary, and about half two-sentence documents that continue their first', () => {
  const docs = generatePretrainingCorpus(suite, { size: 20000 });
  const held = new Set<string>();
  for (const t of suite.tasks) for (const ex of [...t.splits.dev, ...t.splits.test]) [ex.textA, ex.textB].forEach((s) => s && held.add(s));
  const vocab = new Set(syntheticVocabulary());
  let pairs = 0;
  let unrelated = 0;
  for (const d of docs) {
    for (const s of [d.textA, d.textB]) {
      if (s === undefined) continue;
      expect(held.has(s), s).toBe(false);
      for (const w of s.split(' ')) expect(vocab.has(w), w).toBe(true);
    }
    if (d.textB !== undefined) {
      pairs++;
      // A continuation: the same clause after 1-4 edits, so it shares words with the first sentence.
      const first = new Set(d.textA.split(' '));
      const shared = d.textB.split(' ').filter((w) => first.has(w) && !['the', 'a', 'an', '.'].includes(w)).length;
      if (shared === 0) unrelated++;
    }
  }
  expect(unrelated / pairs).toBeLessThan(0.05);
  expect(Math.abs(pairs / docs.length - CORPUS_PAIR_RATE)).toBeLessThan(0.02);
});

test('the labelled tasks are untouched by the corpus (generating it draws from its own stream)', () => {
  const before = JSON.stringify(generateSyntheticGlue({ seed: 0, scale: 0.05 }).tasks);
  generatePretrainingCorpus(generateSyntheticGlue({ seed: 0, scale: 0.05 }), { size: 100 });
  expect(JSON.stringify(generateSyntheticGlue({ seed: 0, scale: 0.05 }).tasks)).toBe(before);
});

test('bad sizes are refused', () => {
  expect(() => generatePretrainingCorpus(suite, { size: 0 })).toThrow(/positive integer/);
  expect(() => generatePretrainingCorpus(suite, { size: 1.5 })).toThrow(/positive integer/);
});
