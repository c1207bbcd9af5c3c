import { describe, expect, test } from 'vitest';
import { REFERENCE_GLUE_SIZES, TaskMixer, referenceMultiplesAndWeights, referenceWeightsNoMultiples } from '../src/train/mixer.js';
import { layerwiseLrMultiplier } from '../src/train/layerwise.js';

describe('the reference’s dataset multiples and task weights', () => {
  test('reproduce the table the reference derives from its GLUE sizes (α = 0.75)', () => {
    const mw = referenceMultiplesAndWeights(REFERENCE_GLUE_SIZES, 0.75);
    // Values worked out from task_weighting._multiples_and_weights (docs/bam-reference.md §3.1).
    const want: Record<string, [number, number]> = {
      cola: [3, 0.8634], mnli: [1, 0.9951], mrpc: [3, 0.8972], qnli: [1, 1.3727],
      qqp: [1, 1.0142], sst: [2, 0.7731], sts: [2, 1.2028], rte: [4, 0.8816],
    };
    for (const [task, [multiple, weight]] of Object.entries(want)) {
      expect(mw[task].multiple, task).toBe(multiple);
      expect(mw[task].weight, task).toBeCloseTo(weight, 4);
    }
  });

  test('without multiples: w ∝ size^(α−1), mean weight per example 1', () => {
    const w = referenceWeightsNoMultiples([100, 400], 0.75);
    // w ∝ [100^-0.25, 400^-0.25] = [0.316228, 0.223607]; mean per example = (100·0.316228 + 400·0.223607)/500 = 0.242131
    expect(w[0]).toBeCloseTo(0.316228 / 0.242131, 4);
    expect(w[1]).toBeCloseTo(0.223607 / 0.242131, 4);
    expect((100 * w[0] + 400 * w[1]) / 500).toBeCloseTo(1, 10);
  });
});

describe('TaskMixer', () => {
  test('sample: tasks drawn ∝ |D|^α, every example seen once per task epoch, steps = epochs·Σ|D|/B', () => {
    const m = new TaskMixer(['big', 'small'], [900, 100], { strategy: 'sample', alpha: 0.5, batchSize: 10, epochs: 2, seed: 3 });
    expect(m.plan.totalSteps).toBe(200);
    const counts = [0, 0];
    const seenSmall = new Set<number>();
    for (let s = 0; s < 200; s++) for (const slot of m.next()) {
      counts[slot!.task]++;
      if (slot!.task === 1 && seenSmall.size < 100) seenSmall.add(slot!.index);
    }
    // p(small) = √100 / (√900 + √100) = 10/40 = 0.25 of 2000 draws
    expect(counts[1] / 2000).toBeGreaterThan(0.22);
    expect(counts[1] / 2000).toBeLessThan(0.28);
    expect(seenSmall.size).toBe(100);
  });

  test('state() / setState() resume the exact sequence', () => {
    const opts = { strategy: 'sample' as const, alpha: 0.75, batchSize: 4, epochs: 1, seed: 9 };
    const a = new TaskMixer(['x', 'y'], [7, 5], opts);
    for (let i = 0; i < 3; i++) a.next();
    const st = a.state();
    const rest = [a.next(), a.next(), a.next()];
    const b = new TaskMixer(['x', 'y'], [7, 5], opts);
    b.setState(st);
    expect([b.next(), b.next(), b.next()]).toEqual(rest);
  });

  test('reference: multiples from loaded sizes, padding slots counted in steps', () => {
    const m = new TaskMixer(['a', 'b'], [30, 5], { strategy: 'reference', alpha: 0.75, batchSize: 8, epochs: 1, seed: 1 });
    // a is the anchor (multiple 1); b: w ∝ 5^0.75 vs 30^0.75 → target_b = 5^.75/30^.75 · 30 = 7.82 → round((7.82+0.01)/5) = 2
    expect(m.plan.multiples).toEqual([1, 2]);
    // 30 + 10 = 40 examples → 5 batches of 8
    expect(m.plan.totalSteps).toBe(5);
    const slots = Array.from({ length: 5 }, () => m.next()).flat();
    expect(slots.filter((s) => s?.task === 1)).toHaveLength(10);
  });

  // 13 examples, batch 4: 16 slots per pass, 3 of them padding.
  const passes = (opts: { reshuffleEachEpoch?: boolean; seed?: number }) => {
    const m = new TaskMixer(['a'], [13], { strategy: 'reference', alpha: 0.75, batchSize: 4, epochs: 3, seed: opts.seed ?? 1, reshuffleEachEpoch: opts.reshuffleEachEpoch });
    const flat = Array.from({ length: m.plan.totalSteps }, () => m.next()).flat();
    return [0, 1, 2].map((e) => flat.slice(16 * e, 16 * (e + 1)).map((s) => (s === null ? -1 : s.index)));
  };

  test('reference, default (bam train): one order every pass, the padding slots at its end', () => {
    const [e0, e1, e2] = passes({});
    expect(e1).toEqual(e0);
    expect(e2).toEqual(e0);
    expect(e0.slice(13)).toEqual([-1, -1, -1]);
  });

  test('reference with reshuffleEachEpoch (bam run): padding shuffled in, every pass a new order of the same slots', () => {
    // preprocessing shuffles the padding records with the data; here each pass is also reshuffled.
    for (const seed of [1, 2, 3]) {
      const [e0, e1, e2] = passes({ reshuffleEachEpoch: true, seed });
      for (const e of [e0, e1, e2]) expect([...e].sort((x, y) => x - y)).toEqual([-1, -1, -1, ...Array.from({ length: 13 }, (_, i) => i)]);
      expect(e1).not.toEqual(e0);
      expect(e2).not.toEqual(e1);
    }
    // Over several seeds the padding does not always sit at the end.
    const lastThree = [1, 2, 3, 4].map((seed) => passes({ reshuffleEachEpoch: true, seed })[0].slice(13).join());
    expect(lastThree.some((t) => t !== '-1,-1,-1')).toBe(true);
    // A resumed mixer (its state only) continues with the same orders.
    const a = new TaskMixer(['a'], [13], { strategy: 'reference', alpha: 0.75, batchSize: 4, epochs: 3, seed: 1, reshuffleEachEpoch: true });
    for (let i = 0; i < 5; i++) a.next();
    const b = new TaskMixer(['a'], [13], { strategy: 'reference', alpha: 0.75, batchSize: 4, epochs: 3, seed: 1, reshuffleEachEpoch: true });
    b.setState(a.state());
    expect(Array.from({ length: 7 }, () => b.next())).toEqual(Array.from({ length: 7 }, () => a.next()));
  });
});

describe('layer-wise learning rates (BERT names)', () => {
  test('heads 1, pooler α, layer i α^(L+1−i), embeddings α^(L+2)', () => {
    const L = 2;
    expect(layerwiseLrMultiplier('heads.rte.weight', L, 0.9)).toBe(1);
    expect(layerwiseLrMultiplier('bert.pooler.dense.weight', L, 0.9)).toBeCloseTo(0.9, 12);
    expect(layerwiseLrMultiplier('bert.encoder.layer.1.output.dense.bias', L, 0.9)).toBeCloseTo(0.81, 12);
    expect(layerwiseLrMultiplier('bert.encoder.layer.0.attention.self.query.weight', L, 0.9)).toBeCloseTo(0.729, 12);
    expect(layerwiseLrMultiplier('bert.embeddings.word_embeddings.weight', L, 0.9)).toBeCloseTo(0.6561, 12);
    expect(layerwiseLrMultiplier('bert.embeddings.word_embeddings.weight', L, 0)).toBe(1);
    expect(() => layerwiseLrMultiplier('mystery.weight', L, 0.9)).toThrow(/no learning rate depth for parameter "mystery.weight"/);
  });
});
