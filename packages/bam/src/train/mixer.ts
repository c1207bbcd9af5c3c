import { Mulberry32, deriveSeed } from '@bamgpu/core';

/**
 * Which training examples go into each batch of a multi-task run. Batches
 * mix tasks in both strategies; they differ in how often each task is seen.
 *
 * - `sample` (the paper's description): every batch slot draws a task with
 *   probability ∝ |D_t|^α, then that task's next example (each task walks
 *   its own reshuffled epochs). All examples weigh 1. α = 1 is plain
 *   proportional mixing ("no task sampling"); α = 0 is uniform over tasks.
 * - `reference` (the reference code's mechanism, for `bam run`): small
 *   datasets are repeated a whole number of times, everything is
 *   concatenated, padded to a batch multiple and shuffled once; per-task loss
 *   weights then bring each task's total weight to ∝ |D_t|^α.
 */
export type MixStrategy = 'sample' | 'reference';

export interface MixPlan {
  strategy: MixStrategy;
  /** Loss weight per task. */
  weights: number[];
  /** Optimiser steps in the run. */
  totalSteps: number;
  /** Examples per task per epoch after multiples (reference) or as loaded (sample). */
  sizes: number[];
  multiples: number[];
}

/** A batch: (task, feature index within that task) pairs; `null` is a padding slot (reference strategy). */
export type BatchSlots = ({ task: number; index: number } | null)[];

export interface MixerState {
  rng: number;
  /** sample: per task, the epoch and position in its current order. reference: position in the global order. */
  cursors: number[];
  epochs: number[];
}

/** The GLUE train sizes the reference hard-codes for its multiples and weights (MRPC/STS-B already doubled). */
export const REFERENCE_GLUE_SIZES: Readonly<Record<string, number>> = {
  cola: 8551, mnli: 392702, mrpc: 7336, qnli: 108436, qqp: 363869, sst: 67349, sts: 11498, rte: 2490,
};

/**
 * The reference's multiples and weights (task_weighting._multiples_and_weights):
 * w_t ∝ size^α normalised; target_t = w_t·(size_max / w_max); multiple =
 * round((target + 0.01)/size); weight = n·normalise(w_t / (size·multiple)).
 * `table` sizes (all of them, as the reference uses its whole table) or the loaded sizes.
 */
export function referenceMultiplesAndWeights(sizes: Record<string, number>, alpha: number): Record<string, { multiple: number; weight: number }> {
  const names = Object.keys(sizes);
  const w = names.map((n) => sizes[n] ** alpha);
  const wsum = w.reduce((a, b) => a + b, 0);
  const wn = w.map((x) => x / wsum);
  // Anchor: the largest task keeps multiple 1 (MNLI in the reference's table).
  const anchor = names.reduce((best, n, i) => (sizes[n] > sizes[names[best]] ? i : best), 0);
  const scale = sizes[names[anchor]] / wn[anchor];
  const multiples = names.map((n, i) => Math.max(1, pyRound((wn[i] * scale + 0.01) / sizes[n])));
  const raw = names.map((n, i) => wn[i] / (sizes[n] * multiples[i]));
  const rsum = raw.reduce((a, b) => a + b, 0);
  const out: Record<string, { multiple: number; weight: number }> = {};
  names.forEach((n, i) => (out[n] = { multiple: multiples[i], weight: (names.length * raw[i]) / rsum }));
  return out;
}

/** Python 3's round(): half to even. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Weights without multiples: w_t ∝ size^(α−1), scaled so the mean weight per example is 1. */
export function referenceWeightsNoMultiples(sizes: number[], alpha: number): number[] {
  if (alpha < 0) return sizes.map(() => 1);
  const n = sizes.reduce((a, b) => a + b, 0);
  const w = sizes.map((s) => s ** (alpha - 1));
  const mean = w.reduce((acc, x, i) => acc + x * sizes[i], 0) / n;
  return w.map((x) => x / mean);
}

export interface MixerOptions {
  strategy: MixStrategy;
  /** Task-size exponent α (0.75 in the paper). */
  alpha: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** reference: multiples (table or loaded sizes); default true for several tasks. */
  datasetMultiples?: boolean;
  /** reference: sizes to derive multiples from, by task name (e.g. REFERENCE_GLUE_SIZES); default the loaded sizes. */
  sizeTable?: Record<string, number>;
  /**
   * reference: shuffle the padding slots in with the examples and draw a
   * fresh order every epoch (bam run). Default (bam train, the demo): one
   * order for every epoch, padding at its end, so their results stay as they were.
   */
  reshuffleEachEpoch?: boolean;
}

export class TaskMixer {
  readonly plan: MixPlan;
  private rng: Mulberry32;
  private cursors: number[];
  private epochs: number[];
  private readonly order: ({ task: number; index: number } | null)[] | null;
  private readonly probs: number[];

  constructor(
    readonly taskNames: readonly string[],
    /** Training features per task (after symmetric copies). */
    readonly counts: readonly number[],
    readonly options: MixerOptions,
  ) {
    if (counts.some((c) => c === 0)) throw new Error(`TaskMixer: task ${taskNames[counts.indexOf(0)]} has no training examples`);
    this.rng = new Mulberry32(deriveSeed(options.seed, 1));
    this.cursors = counts.map(() => 0);
    this.epochs = counts.map(() => 0);
    const b = options.batchSize;
    if (options.strategy === 'sample') {
      const p = counts.map((c) => c ** options.alpha);
      const s = p.reduce((x, y) => x + y, 0);
      this.probs = p.map((x) => x / s);
      const total = counts.reduce((x, y) => x + y, 0);
      this.order = null;
      this.plan = {
        strategy: 'sample',
        weights: counts.map(() => 1),
        totalSteps: Math.max(1, Math.floor((total / b) * options.epochs)),
        sizes: [...counts],
        multiples: counts.map(() => 1),
      };
    } else {
      this.probs = [];
      const multi = (options.datasetMultiples ?? counts.length > 1) && counts.length > 1;
      let multiples = counts.map(() => 1);
      let weights: number[];
      if (multi) {
        const table: Record<string, number> = { ...(options.sizeTable ?? {}) };
        taskNames.forEach((n, i) => {
          if (!(n in table)) table[n] = counts[i];
        });
        const mw = referenceMultiplesAndWeights(table, options.alpha);
        multiples = taskNames.map((n) => mw[n].multiple);
        weights = taskNames.map((n) => mw[n].weight);
      } else {
        weights = referenceWeightsNoMultiples([...counts], options.alpha);
      }
      const order: ({ task: number; index: number } | null)[] = [];
      taskNames.forEach((_, t) => {
        for (let m = 0; m < multiples[t]; m++) for (let i = 0; i < counts[t]; i++) order.push({ task: t, index: i });
      });
      const padded = Math.ceil(order.length / b) * b;
      // Padding slots are counted in the steps, as the reference counts its padding rows.
      const slots = order.length;
      if (options.reshuffleEachEpoch) {
        // The padding rows are records of the data set, shuffled with the rest (preprocessing).
        for (let k = slots; k < padded; k++) order.push(null);
        this.perEpoch = true;
      }
      new Mulberry32(deriveSeed(options.seed, 2)).shuffle(order);
      this.order = order;
      this.plan = {
        strategy: 'reference',
        weights,
        totalSteps: Math.max(1, Math.floor((padded / b) * options.epochs)),
        sizes: counts.map((c, t) => c * multiples[t]),
        multiples,
      };
      this.padSlots = this.perEpoch ? 0 : padded - slots;
    }
  }

  /** Reference strategy: padding slots at the end of each pass over the data (unless in the order). */
  private padSlots = 0;
  /** Reference strategy with reshuffleEachEpoch: epoch e > 0 takes its own shuffle of the order. */
  private perEpoch = false;
  private epochOrder: { epoch: number; order: readonly ({ task: number; index: number } | null)[] } | null = null;

  /**
   * The order of pass `epoch`: epoch 0 is the first shuffle, every later one
   * a fresh seeded shuffle, so a resumed run (which knows only its position)
   * sees the same orders.
   */
  private orderOf(epoch: number): readonly ({ task: number; index: number } | null)[] {
    const base = this.order!;
    if (!this.perEpoch || epoch === 0) return base;
    if (this.epochOrder?.epoch !== epoch) this.epochOrder = { epoch, order: new Mulberry32(deriveSeed(this.options.seed, 2, epoch)).shuffle([...base]) };
    return this.epochOrder.order;
  }

  private taskOrder(t: number, epoch: number): number[] {
    const idx = Array.from({ length: this.counts[t] }, (_, i) => i);
    return new Mulberry32(deriveSeed(this.options.seed, 3, t, epoch)).shuffle(idx);
  }

  private orderCache = new Map<string, number[]>();

  private nextOf(t: number): number {
    const key = `${t}:${this.epochs[t]}`;
    let order = this.orderCache.get(key);
    if (!order) {
      this.orderCache.clear();
      order = this.taskOrder(t, this.epochs[t]);
      this.orderCache.set(key, order);
    }
    const i = order[this.cursors[t]++];
    if (this.cursors[t] >= this.counts[t]) {
      this.cursors[t] = 0;
      this.epochs[t]++;
    }
    return i;
  }

  /** The next batch of slots. */
  next(): BatchSlots {
    const b = this.options.batchSize;
    const out: BatchSlots = [];
    if (this.order) {
      const period = this.order.length + this.padSlots;
      for (let k = 0; k < b; k++) {
        const pos = this.cursors[0] % period;
        const order = this.orderOf(Math.floor(this.cursors[0] / period));
        this.cursors[0]++;
        out.push(pos < order.length ? order[pos] : null);
      }
      return out;
    }
    for (let k = 0; k < b; k++) {
      const u = this.rng.uniform();
      let t = 0;
      let acc = this.probs[0];
      while (u >= acc && t < this.probs.length - 1) acc += this.probs[++t];
      out.push({ task: t, index: this.nextOf(t) });
    }
    return out;
  }

  state(): MixerState {
    return { rng: this.rng.state, cursors: [...this.cursors], epochs: [...this.epochs] };
  }

  setState(s: MixerState): void {
    this.rng = new Mulberry32(s.rng);
    this.cursors = [...s.cursors];
    this.epochs = [...s.epochs];
    this.orderCache.clear();
  }
}
