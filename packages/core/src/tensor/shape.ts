import { ShapeError, fmtShape } from '../errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkShape(shape: Shape, what: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${what}: invalid shape ${fmtShape(shape)}: dims must be non-negative integers`);
  }
}

/** NumPy broadcasting of two shapes; throws naming the op and both shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast (dim ${i - rank}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides (in elements) for reading a contiguous tensor of `shape` as if it had
 * the broadcast shape `target`: broadcast dims get stride 0.
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = contiguousStrides(shape);
  const offset = target.length - shape.length;
  return target.map((_, i) => {
    const j = i - offset;
    if (j < 0 || shape[j] === 1) return 0;
    return own[j];
  });
}

/** Normalise a possibly negative axis; throws naming the op. */
export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** Normalise a dims argument (undefined = all dims) to sorted unique axes. */
export function normAxes(op: string, dims: number | readonly number[] | undefined, rank: number): number[] {
  if (dims === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : [...dims];
  const axes = list.map((d) => normAxis(op, d, rank));
  const set = new Set(axes);
  if (set.size !== axes.length) throw new ShapeError(`${op}: repeated axis in [${list.join(',')}]`);
  return [...set].sort((x, y) => x - y);
}

/** Resolve one -1 in a reshape target against a known element count. */
export function inferReshape(op: string, from: Shape, to: readonly number[]): number[] {
  const n = numel(from);
  let unknown = -1;
  let known = 1;
  to.forEach((d, i) => {
    if (d === -1) {
      if (unknown >= 0) throw new ShapeError(`${op}: only one -1 allowed in ${fmtShape(to)}`);
      unknown = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid target shape ${fmtShape(to)}`);
    } else known *= d;
  });
  const out = [...to];
  if (unknown >= 0) {
    if (known === 0 || n % known !== 0) throw new ShapeError(`${op}: cannot reshape ${fmtShape(from)} (${n} elements) to ${fmtShape(to)}`);
    out[unknown] = n / known;
  }
  if (numel(out) !== n) throw new ShapeError(`${op}: cannot reshape ${fmtShape(from)} (${n} elements) to ${fmtShape(to)} (${numel(out)} elements)`);
  return out;
}
