import { ShapeError, fmtShape } from '../errors.js';
import { runElementwise } from '../kernels/elementwise.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, inferReshape, normAxis, numel, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from './creation.js';
import { registerOp } from './registry.js';
import { sumTo } from './reduce.js';
import { empty, operand, record, requireSameDtype, runtimeOf } from './util.js';

/** Same data, new shape (one dim may be -1). Shares storage; no copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  runtimeOf('reshape', x);
  const target = inferReshape('reshape', x.shape, shape);
  const out = x.view(target);
  return record(out, 'reshape', [x], [], (g) => [g.view(x.shape)]);
}

export function flatten(x: Tensor): Tensor {
  return reshape(x, [x.size]);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normAxis('unsqueeze', dim, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normAxis('squeeze', dim, x.rank);
  if (x.shape[d] !== 1) throw new ShapeError(`squeeze: dim ${dim} of ${fmtShape(x.shape)} is not 1`);
  return reshape(x, x.shape.filter((_, i) => i !== d));
}

/** Copies x broadcast to `shape` (NumPy rules). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const rt = runtimeOf('expand', x);
  const full = broadcastShapes('expand', x.shape, shape);
  if (full.length !== shape.length || full.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`expand: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`);
  }
  const out = empty(rt, shape, x.dtype);
  runElementwise(rt, { name: 'copy', expr: 'a', shape, inputs: [operand(x, broadcastStrides(x.shape, shape))], out: operand(out) });
  return record(out, 'expand', [x], [], (g) => [sumTo(g, x.shape)]);
}

/** Reorders dims: out.shape[i] = x.shape[perm[i]]. Copies. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const rt = runtimeOf('permute', x);
  if (perm.length !== x.rank) throw new ShapeError(`permute: ${perm.length} axes given for ${fmtShape(x.shape)}`);
  const axes = perm.map((p) => normAxis('permute', p, x.rank));
  if (new Set(axes).size !== axes.length) throw new ShapeError(`permute: [${perm.join(',')}] repeats an axis`);
  const shape = axes.map((a) => x.shape[a]);
  const st = contiguousStrides(x.shape);
  const out = empty(rt, shape, x.dtype);
  runElementwise(rt, { name: 'copy', expr: 'a', shape, inputs: [operand(x, axes.map((a) => st[a]))], out: operand(out) });
  const inverse = new Array<number>(axes.length);
  axes.forEach((a, i) => (inverse[a] = i));
  return record(out, 'permute', [x], [], (g) => [permute(g, inverse)]);
}

/** Swaps two dims (default: the last two). */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const a = normAxis('transpose', dim0, x.rank);
  const b = normAxis('transpose', dim1, x.rank);
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Writes `src` into the region of `dst` starting at `starts` (dst is modified; internal). */
function writeRegion(dst: Tensor, src: Tensor, starts: readonly number[]): void {
  const st = contiguousStrides(dst.shape);
  const offset = starts.reduce((acc, s, i) => acc + s * st[i], 0);
  runElementwise(dst.runtime, { name: 'copy', expr: 'a', shape: src.shape, inputs: [operand(src)], out: operand(dst, st, offset) });
}

/**
 * The sub-tensor x[starts[0]:ends[0], starts[1]:ends[1], …]. Missing
 * entries mean the whole dim; negative indices count from the end; ends clamp.
 */
export function slice(x: Tensor, starts: readonly number[], ends?: readonly (number | undefined)[]): Tensor {
  const rt = runtimeOf('slice', x);
  if (starts.length > x.rank) throw new ShapeError(`slice: ${starts.length} starts for ${fmtShape(x.shape)}`);
  const begin = x.shape.map((d, i) => {
    const s = starts[i] ?? 0;
    const v = s < 0 ? s + d : s;
    if (!Number.isInteger(s) || v < 0 || v > d) throw new ShapeError(`slice: start ${s} out of range for dim ${i} of ${fmtShape(x.shape)}`);
    return v;
  });
  const shape = x.shape.map((d, i) => {
    const e = ends?.[i] ?? d;
    const v = Math.min(d, e < 0 ? e + d : e);
    return Math.max(0, v - begin[i]);
  });
  const st = contiguousStrides(x.shape);
  const offset = begin.reduce((acc, s, i) => acc + s * st[i], 0);
  const out = empty(rt, shape, x.dtype);
  runElementwise(rt, { name: 'copy', expr: 'a', shape, inputs: [operand(x, st, offset)], out: operand(out) });
  return record(out, 'slice', [x], [], (g) => {
    const z = zeros(x.shape, { dtype: g.dtype, runtime: g.runtime });
    writeRegion(z, g, begin);
    return [z];
  });
}

/** x narrowed to [start, start+length) along `dim`. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normAxis('narrow', dim, x.rank);
  const starts = x.shape.map((_, i) => (i === d ? start : 0));
  const ends = x.shape.map((n, i) => (i === d ? start + length : n));
  return slice(x, starts, ends);
}

/** Joins tensors along `dim`; all other dims must match. */
export function concat(ts: readonly Tensor[], dim = 0): Tensor {
  if (ts.length === 0) throw new ShapeError('concat: no tensors given');
  const rt = runtimeOf('concat', ...ts);
  const first = ts[0];
  const d = normAxis('concat', dim, first.rank);
  for (const t of ts) {
    requireSameDtype('concat', first, t);
    if (t.rank !== first.rank || t.shape.some((n, i) => i !== d && n !== first.shape[i])) {
      throw new ShapeError(`concat: shapes ${ts.map((u) => fmtShape(u.shape)).join(', ')} differ outside dim ${dim}`);
    }
  }
  const shape = [...first.shape];
  shape[d] = ts.reduce((acc, t) => acc + t.shape[d], 0);
  const out = empty(rt, shape, first.dtype);
  const offsets: number[] = [];
  let at = 0;
  for (const t of ts) {
    offsets.push(at);
    if (numel(t.shape) > 0) writeRegion(out, t, shape.map((_, i) => (i === d ? at : 0)));
    at += t.shape[d];
  }
  return record(out, 'concat', ts, [], (g) => ts.map((t, k) => (t.requiresGrad ? narrow(g, d, offsets[k], t.shape[d]) : null)));
}

/** Stacks same-shaped tensors along a new dim. */
export function stack(ts: readonly Tensor[], dim = 0): Tensor {
  if (ts.length === 0) throw new ShapeError('stack: no tensors given');
  const d = normAxis('stack', dim, ts[0].rank + 1);
  const parts = ts.map((t) => unsqueeze(t, d));
  const out = concat(parts, d);
  for (const p of parts) p.dispose();
  return out;
}

/** A contiguous copy. */
export function clone(x: Tensor): Tensor {
  const rt = runtimeOf('clone', x);
  const out = empty(rt, x.shape, x.dtype);
  runElementwise(rt, { name: 'copy', expr: 'a', shape: x.shape, inputs: [operand(x)], out: operand(out) });
  return record(out, 'clone', [x], [], (g) => [g]);
}

export type { Shape };

registerOp('reshape', true);
registerOp('expand', true);
registerOp('permute', true);
registerOp('slice', true);
registerOp('concat', true);
registerOp('clone', true);
