import { ShapeError, fmtShape } from '../errors.js';
import { runReduce, type ReduceOp } from '../kernels/reduce.js';
import { normAxes, numel, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { expand, reshape } from './shape.js';
import { map } from './map.js';
import { registerOp } from './registry.js';
import { empty, record, requireDtype, runtimeOf } from './util.js';

export interface ReduceOptions {
  keepdim?: boolean;
}

function keptShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

function reduceRaw(op: ReduceOp, name: string, x: Tensor, dims: number | readonly number[] | undefined, opts: ReduceOptions, scale?: number): { out: Tensor; axes: number[] } {
  const rt = runtimeOf(name, x);
  const axes = normAxes(name, dims, x.rank);
  if ((op !== 'sum') && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(`${name}: cannot reduce over an empty dim of ${fmtShape(x.shape)}`);
  }
  const outDtype = op === 'argmax' || op === 'argmin' ? 'int32' : x.dtype;
  const out = empty(rt, keptShape(x.shape, axes, opts.keepdim ?? false), outDtype);
  runReduce(rt, { op, input: x.binding(), dtype: x.dtype, shape: x.shape, axes, out: out.binding(), outDtype, scale });
  return { out, axes };
}

/** Broadcasts a reduced gradient back over the reduced axes. */
function spread(g: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  const k = reshape(g, keptShape(x.shape, axes, true));
  const e = expand(k, x.shape);
  k.dispose();
  return e;
}

/** Sum over `dims` (all when omitted). */
export function sum(x: Tensor, dims?: number | readonly number[], opts: ReduceOptions = {}): Tensor {
  const { out, axes } = reduceRaw('sum', 'sum', x, dims, opts);
  return record(out, 'sum', [x], [], (g) => [spread(g, x, axes)]);
}

/** Mean over `dims` (all when omitted). */
export function mean(x: Tensor, dims?: number | readonly number[], opts: ReduceOptions = {}): Tensor {
  requireDtype('mean', x, 'float32', 'float16');
  const axes = normAxes('mean', dims, x.rank);
  const count = numel(axes.map((a) => x.shape[a]));
  const { out } = reduceRaw('sum', 'mean', x, axes, opts, 1 / count);
  return record(out, 'mean', [x], [], (g) => {
    const s = spread(g, x, axes);
    const r = map('mean_bwd', 'a * p.s0', [s], s.dtype, [{ type: 'f32', value: 1 / count }]);
    s.dispose();
    return [r];
  });
}

function extreme(op: 'max' | 'min', x: Tensor, dims: number | readonly number[] | undefined, opts: ReduceOptions): Tensor {
  const { out, axes } = reduceRaw(op, op, x, dims, opts);
  // Like torch.amax: the gradient is shared equally among all positions that
  // hold the extreme value.
  return record(out, op, [x], [out], (g, [y]) => {
    const ys = spread(y, x, axes);
    const mask = map(`${op}_mask`, 'select(0.0, 1.0, a == b)', [x, ys], x.dtype);
    ys.dispose();
    const count = reduceRaw('sum', 'count', mask, axes, { keepdim: true }).out;
    const gs = spread(g, x, axes);
    const r = map(`${op}_bwd`, 'a * b / c', [gs, mask, count], x.dtype);
    gs.dispose();
    mask.dispose();
    count.dispose();
    return [r];
  });
}

export function max(x: Tensor, dims?: number | readonly number[], opts: ReduceOptions = {}): Tensor {
  return extreme('max', x, dims, opts);
}

export function min(x: Tensor, dims?: number | readonly number[], opts: ReduceOptions = {}): Tensor {
  return extreme('min', x, dims, opts);
}

/** Index of the first maximum along `dim` (int32). */
export function argmax(x: Tensor, dim: number, opts: ReduceOptions = {}): Tensor {
  return reduceRaw('argmax', 'argmax', x, dim, opts).out;
}

export function argmin(x: Tensor, dim: number, opts: ReduceOptions = {}): Tensor {
  return reduceRaw('argmin', 'argmin', x, dim, opts).out;
}

/** Sums a broadcast gradient back to `shape` (the inverse of broadcasting). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g.view(g.shape);
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = reduceRaw('sum', 'sumTo', g, axes, { keepdim: false }).out;
  const r = reshape(s, shape);
  s.dispose();
  return r;
}

registerOp('sum', true);
registerOp('mean', true);
registerOp('max', true);
registerOp('min', true);
registerOp('argmax', false);
registerOp('argmin', false);
