/** Label noise: measured by regenerating the same suite with noise off and comparing. */
import { describe, expect, it } from 'vitest';
import type { Example } from '../src/data/example.js';
import { SPLIT_NAMES, generateSyntheticGlue } from '../src/synthetic/index.js';

const noisy = generateSyntheticGlue({ seed: 5, testLabels: true });
const clean = generateSyntheticGlue({ seed: 5, testLabels: true, labelNoise: false });
const all = (tasks: typeof noisy.tasks, i: number): Example[] => SPLIT_NAMES.flatMap((s) => tasks[i].splits[s]);

describe('synthetic label noise', () => {
  it('changes labels only: ids and texts are identical with noise on and off', () => {
    for (let i = 0; i < noisy.tasks.length; i++) {
      const strip = (e: Example) => ({ id: e.id, textA: e.textA, textB: e.textB });
      expect(all(noisy.tasks, i).map(strip)).toEqual(all(clean.tasks, i).map(strip));
    }
  });

  it('flips about 10% of classification labels, to a different valid label', () => {
    let flipped = 0;
    let total = 0;
    for (let i = 0; i < noisy.tasks.length; i++) {
      const t = noisy.tasks[i];
      if (t.kind !== 'classification' || t.labelNoise.kind !== 'flip') continue;
      expect(t.labelNoise.rate).toBe(0.1);
      const a = all(noisy.tasks, i);
      const b = all(clean.tasks, i);
      let taskFlips = 0;
      a.forEach((e, j) => {
        expect(t.labels).toContain(e.label);
        if (e.label !== b[j].label) taskFlips++;
      });
      // Binomial(n, 0.1): 4.5 standard deviations either side.
      const sd = Math.sqrt((0.1 * 0.9) / a.length);
      expect(Math.abs(taskFlips / a.length - 0.1), t.name).toBeLessThan(4.5 * sd);
      flipped += taskFlips;
      total += a.length;
    }
    expect(Math.abs(flipped / total - 0.1)).toBeLessThan(0.01);
  });

  it('spreads entailment flips over both other labels', () => {
    const i = noisy.tasks.findIndex((t) => t.name === 'syn-entailment');
    const a = all(noisy.tasks, i);
    const b = all(clean.tasks, i);
    const targets = new Map<string, Set<string>>();
    a.forEach((e, j) => {
      if (e.label === b[j].label) return;
      const from = String(b[j].label);
      targets.set(from, (targets.get(from) ?? new Set()).add(String(e.label)));
    });
    expect([...targets.keys()].sort()).toEqual(['contradiction', 'entailment', 'neutral']);
    for (const to of targets.values()) expect(to.size).toBe(2);
  });

  it('adds error of standard deviation about 0.5 to similarity scores, clipped to 0-5, 2 decimals', () => {
    const i = noisy.tasks.findIndex((t) => t.name === 'syn-similarity');
    const a = all(noisy.tasks, i);
    const b = all(clean.tasks, i);
    const diffs: number[] = [];
    a.forEach((e, j) => {
      const y = e.label as number;
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(5);
      expect(Math.round(y * 100) / 100).toBe(y);
      const x = b[j].label as number;
      if (x >= 1.5 && x <= 3.5) diffs.push(y - x); // far from the clip points
    });
    const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
    const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / diffs.length);
    expect(diffs.length).toBeGreaterThan(300);
    expect(Math.abs(mean)).toBeLessThan(0.08);
    expect(sd).toBeGreaterThan(0.44);
    expect(sd).toBeLessThan(0.56);
  });
});
