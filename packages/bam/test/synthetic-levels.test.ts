// Chance and ceiling per task, computed on the dev split the scores are
// measured on: the ceilings must be docs/synthetic-glue.md §5's seed-0 dev
// column (computed there independently), the chance levels those of the best
// constant prediction.
import { expect, test } from 'vitest';
import { generateSyntheticGlue } from '../src/synthetic/index.js';
import { referenceLevels } from '../src/synthetic/levels.js';

test('seed 0: the documented dev ceilings, and constant-prediction chance levels', () => {
  const suite = generateSyntheticGlue({ seed: 0 });
  const levels = referenceLevels(suite);
  const ceiling = Object.fromEntries([...levels].map(([t, l]) => [t, Number(l.ceiling.toFixed(3))]));
  expect(ceiling).toEqual({ 'syn-sentiment': 0.894, 'syn-acceptability': 0.841, 'syn-entailment': 0.895, 'syn-paraphrase': 0.847, 'syn-similarity': 0.917 });
  expect(levels.get('syn-acceptability')!.chance).toBe(0);
  expect(levels.get('syn-similarity')!.chance).toBe(0);
  // Majority class of the dev labels, and F1 of always answering "paraphrase".
  const dev = (name: string) => suite.tasks.find((t) => t.name === name)!.splits.dev.map((e) => String(e.label));
  const share = (labels: string[], l: string) => labels.filter((x) => x === l).length / labels.length;
  const sent = dev('syn-sentiment');
  expect(levels.get('syn-sentiment')!.chance).toBeCloseTo(Math.max(share(sent, '0'), share(sent, '1')), 12);
  const para = share(dev('syn-paraphrase'), '1');
  expect(levels.get('syn-paraphrase')!.chance).toBeCloseTo((2 * para) / (1 + para), 12);
  const ent = levels.get('syn-entailment')!.chance;
  expect(ent).toBeGreaterThan(0.33);
  expect(ent).toBeLessThan(0.4);
});

test('refuses a noise-free suite (its ceiling would be 1 by construction)', () => {
  expect(() => referenceLevels(generateSyntheticGlue({ seed: 0, scale: 0.05, labelNoise: false }))).toThrow(/noisy suite/);
});
