// The pre-training corpus: deterministic, prefix-stable, well-formed text of
// the suite's language, and free of every dev/test sentence of the suite.
import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import type { Clause } from '../src/synthetic/clause.js';
import { isWellFormed } from '../src/synthetic/clause.js';
import { continueAbout } from '../src/synthetic/coreference.js';
import { hypernymOf } from '../src/synthetic/lexicon.js';
import { SplitMix32 } from '@bamgpu/core';
import { sampleClause } from '../src/synthetic/sample.js';
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

test('version 2: deterministic, prefix-stable, frozen, and its own stream (version 1 is unchanged by it)', () => {
  const a = generatePretrainingCorpus(suite, { size: 3000, version: 2 });
  expect(generatePretrainingCorpus(generateSyntheticGlue({ seed: 0 }), { size: 1000, version: 2 })).toEqual(a.slice(0, 1000));
  expect(a.slice(0, 1000)).not.toEqual(generatePretrainingCorpus(suite, { size: 1000 }));
  const hash = createHash('sha256').update(JSON.stringify(a)).digest('hex');
  expect(hash.slice(0, 16)).toMatchInlineSnapshot(`"d8934b9f18f9df97"`);
});

test.each([1, 2] as const)('version %i: no dev or test sentence of any task, only the suite vocabulary, and about half two-sentence documents that continue their first', (version) => {
  const docs = generatePretrainingCorpus(suite, { size: 20000, version });
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
      // A continuation restates the first sentence or names one of its referents again, so shares words with it.
      const first = new Set(d.textA.split(' '));
      const shared = d.textB.split(' ').filter((w) => first.has(w) && !['the', 'a', 'an', '.'].includes(w)).length;
      if (shared === 0) unrelated++;
    }
  }
  // Version 2 names a referent again by a synonym or class word, often with no word in common
  // (about 30% of its referent continuations); the test below checks those at the concept level.
  expect(unrelated / pairs).toBeLessThan(version === 1 ? 0.05 : 0.25);
  expect(Math.abs(pairs / docs.length - CORPUS_PAIR_RATE)).toBeLessThan(0.02);
});

test('the labelled tasks are untouched by the corpus (generating it draws from its own stream)', () => {
  const before = JSON.stringify(generateSyntheticGlue({ seed: 0, scale: 0.05 }).tasks);
  generatePretrainingCorpus(generateSyntheticGlue({ seed: 0, scale: 0.05 }), { size: 100 });
  expect(JSON.stringify(generateSyntheticGlue({ seed: 0, scale: 0.05 }).tasks)).toBe(before);
});

/** The noun phrases of `c` that are "the" + a noun, as a re-mention is. */
const definites = (c: Clause) => [c.np1, c.np2].filter((np) => np.quant === 'def');

test('a continuation about a referent names it again by its concept (any synonym) or its class word, never a co-hyponym, and is well-formed', () => {
  const rng = new SplitMix32(7);
  let continued = 0;
  let synonymForm = 0;
  for (let i = 0; i < 3000; i++) {
    const first = sampleClause(rng);
    const next = continueAbout(rng, first);
    const introduced = [first.np1, first.np2].filter((np) => ['def', 'dem', 'exist'].includes(np.quant));
    if (next === undefined) {
      expect(introduced).toEqual([]);
      continue;
    }
    continued++;
    expect(isWellFormed(next)).toBe(true);
    // Some definite of the new clause is a re-mention: same number, and the referent's concept or its class word.
    const mentions = definites(next).filter((m) =>
      introduced.some((r) => r.number === m.number && (m.noun.id === r.noun.id || (!r.noun.isHypernym && m.noun.id === hypernymOf(r.noun).id))),
    );
    expect(mentions.length, JSON.stringify(next)).toBeGreaterThan(0);
    if (mentions.some((m) => introduced.some((r) => m.noun.id === r.noun.id && m.form !== r.form))) synonymForm++;
  }
  expect(continued).toBeGreaterThan(2000);
  // Surface forms are redrawn, so a re-mention is often another synonym of the same concept.
  expect(synonymForm).toBeGreaterThan(200);
});

test('bad sizes and versions are refused', () => {
  expect(() => generatePretrainingCorpus(suite, { size: 10, version: 3 as 2 })).toThrow(/version must be 1 or 2/);
  expect(() => generatePretrainingCorpus(suite, { size: 0 })).toThrow(/positive integer/);
  expect(() => generatePretrainingCorpus(suite, { size: 1.5 })).toThrow(/positive integer/);
});
