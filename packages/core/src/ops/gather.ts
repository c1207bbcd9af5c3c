import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { runGather, runScatterAdd } from '../kernels/gather.js';
import { normAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { knownIntRange, zeros } from './creation.js';
import { registerOp } from './registry.js';
import { empty, record, requireDtype, runtimeOf } from './util.js';

/**
 * Selects entries of `table` along `dim` by int32 indices (any shape):
 * out.shape = table.shape[:dim] + idx.shape + table.shape[dim+1:].
 * Its gradient is a deterministic scatter-add (see kernels/gather.ts).
 */
export function indexSelect(table: Tensor, dim: number, idx: Tensor, opts: { skipGradIndex?: number } = {}): Tensor {
  const rt = runtimeOf('indexSelect', table, idx);
  requireDtype('indexSelect', idx, 'int32');
  const d = normAxis('indexSelect', dim, table.rank);
  const v = table.shape[d];
  const range = knownIntRange.get(idx);
  if (range && (range[0] < 0 || range[1] >= v)) {
    const bad = range[0] < 0 ? range[0] : range[1];
    throw new ShapeError(`indexSelect: index ${bad} is out of range for dim ${dim} of size ${v} (table ${fmtShape(table.shape)})`);
  }
  const outer = table.shape.slice(0, d).reduce((a, b) => a * b, 1);
  const inner = table.shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const nIdx = idx.size;
  const outShape = [...table.shape.slice(0, d), ...idx.shape, ...table.shape.slice(d + 1)];
  const out = empty(rt, outShape, table.dtype);
  runGather(rt, { table: table.binding(), idx: idx.binding(), out: out.binding(), dtype: table.dtype, outer, v, inner, nIdx });
  return record(out, 'indexSelect', [table], [idx], (g, [is]) => {
    const dt = zeros(table.shape, { dtype: table.dtype, runtime: rt });
    const links = empty(rt, [Math.max(1, nIdx) * 2], 'int32');
    runScatterAdd(rt, { grad: g.binding(), idx: is.binding(), links: links.binding(), out: dt.binding(), dtype: table.dtype, outer, v, inner, nIdx, skip: opts.skipGradIndex ?? -1 });
    links.dispose();
    return [dt];
  });
}

/**
 * Rows of `weight` [V, H] for int32 ids of any shape: out [...ids.shape, H].
 * `paddingIdx`'s row gets no gradient (PyTorch's padding_idx).
 */
export function embedding(weight: Tensor, ids: Tensor, opts: { paddingIdx?: number } = {}): Tensor {
  if (weight.rank !== 2) throw new ShapeError(`embedding: weight must be [vocab, dim], got ${fmtShape(weight.shape)}`);
  if (ids.dtype !== 'int32') throw new DTypeError(`embedding: ids must be int32, got ${ids.describe()}`);
  return indexSelect(weight, 0, ids, { skipGradIndex: opts.paddingIdx });
}

registerOp('indexSelect', true);
