import { describe, expect, it } from 'vitest';
import type { Example } from '../src/data/example.js';
import { hashString } from '@bamgpu/core';
import type { SyntheticSuite, SyntheticTask } from '../src/synthetic/index.js';
import { SPECIAL_TOKENS, SPLIT_NAMES, SYNTHETIC_TASK_NAMES, generateSyntheticGlue } from '../src/synthetic/index.js';

const suite = generateSyntheticGlue({ seed: 0 });
const clean = generateSyntheticGlue({ seed: 0, labelNoise: false });

const task = (s: SyntheticSuite, name: string): SyntheticTask => {
  const t = s.tasks.find((x) => x.name === name);
  if (t === undefined) throw new Error(`no task ${name}`);
  return t;
};
const allExamples = (t: SyntheticTask): Example[] => SPLIT_NAMES.flatMap((s) => t.splits[s]);
const words = (text: string): string[] => text.split(' ');

describe('synthetic suite: shape and metadata', () => {
  it('has the five GLUE-like tasks with consistent metadata', () => {
    expect(suite.tasks.map((t) => t.name)).toEqual(SYNTHETIC_TASK_NAMES);
    expect(SYNTHETIC_TASK_NAMES).toEqual(['syn-sentiment', 'syn-acceptability', 'syn-entailment', 'syn-paraphrase', 'syn-similarity']);
    const byName = Object.fromEntries(suite.tasks.map((t) => [t.name, t]));
    expect(byName['syn-sentiment']).toMatchObject({ kind: 'classification', labels: ['0', '1'], isPair: false, metrics: ['accuracy'] });
    expect(byName['syn-acceptability']).toMatchObject({ kind: 'classification', labels: ['0', '1'], isPair: false, metrics: ['mcc', 'accuracy'] });
    expect(byName['syn-entailment']).toMatchObject({ kind: 'classification', labels: ['entailment', 'neutral', 'contradiction'], isPair: true });
    expect(byName['syn-paraphrase']).toMatchObject({ kind: 'classification', labels: ['0', '1'], isPair: true, metrics: ['f1', 'accuracy'] });
    expect(byName['syn-similarity']).toMatchObject({ kind: 'regression', range: [0, 5], isPair: true, metrics: ['pearson', 'spearman'] });
  });

  it('has the documented split sizes at scale 1 (10k training examples in all)', () => {
    const sizes = suite.tasks.map((t) => [t.name, t.splits.train.length, t.splits.dev.length, t.splits.test.length]);
    expect(sizes).toEqual([
      ['syn-sentiment', 4000, 500, 500],
      ['syn-acceptability', 2000, 400, 400],
      ['syn-entailment', 2000, 400, 400],
      ['syn-paraphrase', 1000, 300, 300],
      ['syn-similarity', 1000, 300, 300],
    ]);
  });

  it('makes a smaller training set a prefix of a larger one (learning curves compare like with like)', () => {
    const small = generateSyntheticGlue({ seed: 0, scale: 0.1 });
    small.tasks.forEach((t, i) => expect(t.splits.train).toEqual(suite.tasks[i].splits.train.slice(0, t.splits.train.length)));
  });

  it('scales split sizes and rejects bad options', () => {
    const small = generateSyntheticGlue({ seed: 0, scale: 0.05 });
    expect(small.tasks.map((t) => t.splits.train.length)).toEqual([200, 100, 100, 50, 50]);
    expect(small.tasks.map((t) => t.splits.dev.length)).toEqual([25, 20, 20, 15, 15]);
    expect(generateSyntheticGlue({ scale: 0.0001 }).tasks.every((t) => t.splits.test.length === 1)).toBe(true);
    expect(() => generateSyntheticGlue({ scale: 0 })).toThrow(RangeError);
    expect(() => generateSyntheticGlue({ scale: Number.NaN })).toThrow(RangeError);
    expect(() => generateSyntheticGlue({ seed: 1.5 })).toThrow(RangeError);
  });
});

describe('synthetic suite: determinism', () => {
  it('gives identical data for the same seed', () => {
    const again = generateSyntheticGlue({ seed: 0 });
    expect(again.tasks).toEqual(suite.tasks);
  });

  it('gives different data for a different seed, for every task and split', () => {
    const other = generateSyntheticGlue({ seed: 1, scale: 0.1 });
    const mine = generateSyntheticGlue({ seed: 0, scale: 0.1 });
    for (let i = 0; i < mine.tasks.length; i++) {
      for (const split of SPLIT_NAMES) {
        const a = mine.tasks[i].splits[split].map((e) => e.textA + (e.textB ?? ''));
        const b = other.tasks[i].splits[split].map((e) => e.textA + (e.textB ?? ''));
        const shared = a.filter((x) => b.includes(x)).length;
        expect(shared / a.length).toBeLessThan(0.2);
      }
    }
  });

  it('matches the frozen fingerprint of seed 0 (a failure means the documented design changed)', () => {
    // If this changes on purpose, update docs/synthetic-glue.md (sizes, rates, ceilings) and this value.
    const text = JSON.stringify(suite.tasks.map((t) => SPLIT_NAMES.map((s) => t.splits[s])));
    expect(hashString(text).toString(16)).toBe('a5154813');
  });
});

describe('synthetic suite: example hygiene', () => {
  it('has unique ids of the form <split>-<index>', () => {
    for (const t of suite.tasks) {
      for (const split of SPLIT_NAMES) {
        t.splits[split].forEach((e, i) => expect(e.id).toBe(`${split}-${i}`));
      }
    }
  });

  it('never repeats a text (or text pair) within a task, so dev/test do not leak training items', () => {
    for (const t of suite.tasks) {
      const keys = allExamples(t).map((e) => `${e.textA}\t${e.textB ?? ''}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('has non-empty single-spaced text, a second sentence exactly for pair tasks, no tabs or newlines', () => {
    for (const t of suite.tasks) {
      for (const e of allExamples(t)) {
        for (const text of [e.textA, ...(t.isPair ? [e.textB ?? ''] : [])]) {
          expect(text).toMatch(/^[a-z]+( [a-z]+)* \.$/);
        }
        expect(e.textB === undefined).toBe(!t.isPair);
      }
    }
  });

  it('keeps sentences at most 16 words and pairs within 32 tokens with [CLS] and two [SEP]', () => {
    for (const t of suite.tasks) {
      for (const e of allExamples(t)) {
        const a = words(e.textA).length;
        const b = e.textB === undefined ? 0 : words(e.textB).length;
        expect(a).toBeLessThanOrEqual(16);
        expect(b).toBeLessThanOrEqual(16);
        expect(a + b + (t.isPair ? 3 : 2)).toBeLessThanOrEqual(32);
      }
    }
  });

  it('labels train and dev with valid labels and leaves test unlabelled', () => {
    for (const t of suite.tasks) {
      for (const e of [...t.splits.train, ...t.splits.dev]) {
        if (t.kind === 'classification') expect(t.labels).toContain(e.label);
        else {
          expect(typeof e.label).toBe('number');
          expect(e.label as number).toBeGreaterThanOrEqual(t.range[0]);
          expect(e.label as number).toBeLessThanOrEqual(t.range[1]);
        }
      }
      for (const e of t.splits.test) expect(e).not.toHaveProperty('label');
    }
  });

  it('keeps test labels when asked, identical to a full run otherwise', () => {
    const withLabels = generateSyntheticGlue({ seed: 0, scale: 0.05, testLabels: true });
    const without = generateSyntheticGlue({ seed: 0, scale: 0.05 });
    for (let i = 0; i < withLabels.tasks.length; i++) {
      expect(withLabels.tasks[i].splits.test.every((e) => e.label !== undefined)).toBe(true);
      expect(withLabels.tasks[i].splits.test.map(({ label: _l, ...rest }) => rest)).toEqual(without.tasks[i].splits.test);
    }
  });
});

describe('synthetic suite: vocabulary', () => {
  it('covers every word of every example', () => {
    const vocab = new Set(suite.vocabulary());
    for (const t of suite.tasks) {
      for (const e of allExamples(t)) {
        for (const w of [...words(e.textA), ...(e.textB === undefined ? [] : words(e.textB))]) expect(vocab.has(w), w).toBe(true);
      }
    }
  });

  it('has no duplicates, no special tokens, and is the same for every seed', () => {
    const v = suite.vocabulary();
    expect(new Set(v).size).toBe(v.length);
    expect(v.some((w) => SPECIAL_TOKENS.includes(w))).toBe(false);
    expect(generateSyntheticGlue({ seed: 7, scale: 0.01 }).vocabulary()).toEqual(v);
    expect(v).toContain('.');
  });

  it('writes vocab.txt with [PAD] [UNK] [CLS] [SEP] [MASK] at ids 0-4, then one word per line', () => {
    const lines = suite.vocabTxt().split('\n');
    expect(lines.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(lines.at(-1)).toBe(''); // trailing newline
    expect(lines.slice(5, -1)).toEqual([...suite.vocabulary()]);
  });
});

describe('synthetic suite: label balance (noise-free rule labels)', () => {
  const fraction = (t: SyntheticTask, label: string): number =>
    t.splits.train.filter((e) => e.label === label).length / t.splits.train.length;

  it('sentiment is about half positive', () => {
    expect(fraction(task(clean, 'syn-sentiment'), '1')).toBeGreaterThan(0.45);
    expect(fraction(task(clean, 'syn-sentiment'), '1')).toBeLessThan(0.55);
  });

  it('acceptability is about 65% acceptable, like CoLA', () => {
    expect(fraction(task(clean, 'syn-acceptability'), '1')).toBeGreaterThan(0.61);
    expect(fraction(task(clean, 'syn-acceptability'), '1')).toBeLessThan(0.69);
  });

  it('entailment has each of its three labels about a third of the time', () => {
    for (const l of ['entailment', 'neutral', 'contradiction']) {
      expect(fraction(task(clean, 'syn-entailment'), l)).toBeGreaterThan(0.29);
      expect(fraction(task(clean, 'syn-entailment'), l)).toBeLessThan(0.38);
    }
  });

  it('paraphrase is about half positive', () => {
    expect(fraction(task(clean, 'syn-paraphrase'), '1')).toBeGreaterThan(0.45);
    expect(fraction(task(clean, 'syn-paraphrase'), '1')).toBeLessThan(0.55);
  });

  it('similarity scores spread over the whole 0-5 range', () => {
    const scores = task(clean, 'syn-similarity').splits.train.map((e) => e.label as number);
    const bins = [0, 0, 0, 0, 0];
    for (const s of scores) bins[Math.min(4, Math.floor(s))]++;
    for (const b of bins) expect(b / scores.length).toBeGreaterThan(0.05);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
    expect(mean).toBeGreaterThan(2);
    expect(mean).toBeLessThan(3.5);
    expect(sd).toBeGreaterThan(1);
  });
});
