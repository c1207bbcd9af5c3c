/**
 * Non-finite values must never reach a checkpoint, a saved model or a
 * predictions file: one NaN spreads to every weight within a step or two, and
 * JSON writes it as `null`, so a diverged run would finish "successfully".
 */

/** A NaN or ±Infinity where a finite number was required. */
export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
}

/** Where a value was read: the optimiser step (if any) and what it measures. */
export interface FiniteContext {
  /** The optimiser step (1-based, as the metrics log counts) the values belong to. */
  step?: number;
  /** What the values are, e.g. `loss of task "rte"`; each value's key is appended. */
  what: string;
}

/** "NaN", "Infinity" or "-Infinity": how a non-finite value is named in refusals. */
export function nonFiniteName(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Throws NonFiniteError on the first non-finite value, naming the step, what it is and, for a record, its key:
 * `assertFinite({ 'task "rte"': loss }, { step: 40, what: 'training loss' })` → `step 40: training loss (task "rte") is NaN; …`.
 */
export function assertFinite(values: number | Readonly<Record<string, number>>, ctx: FiniteContext): void {
  const entries = typeof values === 'number' ? [['', values] as const] : Object.entries(values);
  for (const [key, v] of entries) {
    if (Number.isFinite(v)) continue;
    const training = ctx.step !== undefined;
    throw new NonFiniteError(
      `${training ? `step ${ctx.step}: ` : ''}${ctx.what}${key ? ` (${key})` : ''} is ${nonFiniteName(v)}; ` +
        (training ? 'training stopped, nothing was saved from this step on (the last checkpoint, if any, predates it); lower the learning rate or check the inputs' : 'refused'),
    );
  }
}

/** Index of the first NaN or ±Infinity in `data`, or -1. */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/**
 * Throws NonFiniteError if a tensor holds a NaN or ±Infinity, naming the tensor (`what`,
 * e.g. `file.safetensors: tensor "bert.pooler.dense.weight"`) and the flat index of the first bad element.
 */
export function assertFiniteTensor(data: ArrayLike<number>, what: string): void {
  const i = firstNonFinite(data);
  if (i >= 0) throw new NonFiniteError(`${what} holds ${nonFiniteName(data[i])} (element ${i} of ${data.length}); refusing non-finite weights`);
}
