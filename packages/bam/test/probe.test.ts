// The probes behind docs/results' investigation: the ridge probe recovers a
// linearly readable target exactly, and the synonym probe ranks a planted
// synonym first.
import { expect, test } from 'vitest';
import { linearProbe } from '../src/pretrain/probe.js';
import { synonymProbe } from '../src/pretrain/synonym-probe.js';
import { ADJECTIVES, NOUNS, VERBS } from '../src/synthetic/lexicon.js';
import type { Feature } from '../src/train/features.js';
import type { TrainTask } from '../src/train/task.js';

const task: TrainTask = { name: 't', kind: 'classification', labels: ['0', '1'], isPair: false, metrics: ['accuracy'], symmetric: false, train: [], dev: [], test: [] };
const feat = (gold: number): Feature => ({ taskIndex: 0, eid: 0, inputIds: [], tokenTypeIds: [], gold });

test('ridge probe: a class given by the sign of one feature is read perfectly; noise features alone give chance', () => {
  let s = 7;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  const make = (n: number, informative: boolean) => {
    const x: Float64Array[] = [];
    const f: Feature[] = [];
    for (let i = 0; i < n; i++) {
      const y = i % 2;
      const v = Float64Array.from({ length: 6 }, rand);
      if (informative) v[2] = y ? 1 + rand() : -1 + rand();
      x.push(v);
      f.push(feat(y));
    }
    return { x, f };
  };
  expect(linearProbe(task, make(200, true), make(100, true), 0.1).accuracy).toBe(1);
  const chance = linearProbe(task, make(200, false), make(400, false), 0.1).accuracy!;
  expect(Math.abs(chance - 0.5)).toBeLessThan(0.1);
});

test('synonym probe: a table where each synonym is a copy of its partner ranks every partner first', () => {
  const words = [...new Set([...NOUNS.flatMap((c) => c.forms.map((f) => f.sg)), ...ADJECTIVES.flatMap((c) => c.forms), ...VERBS.flatMap((c) => c.forms.map((f) => f.base))])];
  const dim = 8;
  const table = new Float32Array(words.length * dim);
  const concept = new Map<string, number>();
  [...NOUNS.map((c) => c.forms.map((f) => f.sg)), ...ADJECTIVES.map((c) => [...c.forms]), ...VERBS.map((c) => c.forms.map((f) => f.base))].forEach((g, k) => g.forEach((w) => concept.set(w, k)));
  words.forEach((w, i) => {
    const k = concept.get(w)!;
    for (let d = 0; d < dim; d++) table[i * dim + d] = Math.sin(k * 1.7 + d * 0.9 + k * d * 0.31);
  });
  const rows = synonymProbe(table, dim, (w) => words.indexOf(w));
  for (const r of rows) {
    expect(r.pairs).toBeGreaterThan(0);
    expect(r.nearest).toBe(1);
    expect(r.meanReciprocalRank).toBe(1);
  }
});

test('tokens-alone probe: a pair label given by whether one token differs is read perfectly, and a single-sentence label by one token occurring', async () => {
  const { surfaceFeatures } = await import('../src/pretrain/surface-features.js');
  let s = 11;
  const rand = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) % n;
  // Tokens 10..29 are filler; token 5 is the cue. A pair is labelled 1 when
  // exactly one side has the cue, whatever else the sides share or not.
  const pair = (n: number) => Array.from({ length: n }, (): Feature => {
    const a = Array.from({ length: 4 }, () => 10 + rand(20));
    const b = Array.from({ length: 4 }, () => 10 + rand(20));
    const cueA = rand(2) === 1;
    const cueB = rand(2) === 1;
    if (cueA) a.push(5);
    if (cueB) b.push(5);
    const ids = [1, ...a, 2, ...b, 2];
    return { taskIndex: 0, eid: 0, inputIds: ids, tokenTypeIds: ids.map((_, p) => (p <= a.length + 1 ? 0 : 1)), gold: cueA !== cueB ? 1 : 0 };
  });
  const pairTask: TrainTask = { ...task, isPair: true };
  const trainP = pair(300);
  const devP = pair(200);
  const xp = surfaceFeatures(trainP, devP, true);
  expect(linearProbe(pairTask, { x: xp.train, f: trainP }, { x: xp.dev, f: devP }, 0.1).accuracy).toBe(1);

  const single = (n: number) => Array.from({ length: n }, (): Feature => {
    const has = rand(2) === 1;
    const ids = [1, ...Array.from({ length: 5 }, () => 10 + rand(20)), ...(has ? [5] : []), 2];
    return { taskIndex: 0, eid: 0, inputIds: ids, tokenTypeIds: ids.map(() => 0), gold: has ? 1 : 0 };
  });
  const trainS = single(300);
  const devS = single(200);
  const xs = surfaceFeatures(trainS, devS, false);
  expect(xs.tokens).toBe(23); // [CLS], [SEP], the cue and the 20 fillers
  expect(linearProbe(task, { x: xs.train, f: trainS }, { x: xs.dev, f: devS }, 0.1).accuracy).toBe(1);
  // A token cap keeps only the most frequent tokens: [CLS] and [SEP] in every row come first.
  expect(surfaceFeatures(trainS, devS, false, 2).train[0].length).toBe(2);
});
