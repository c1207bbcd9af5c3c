import { DTypeError } from '../errors.js';
import { runElementwise } from '../kernels/elementwise.js';
import type { ParamType } from '../runtime/params.js';
import type { DType } from '../tensor/dtype.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { empty, runtimeOf } from './util.js';

/**
 * Applies a WGSL expression elementwise over inputs broadcast to a common
 * shape (`a`, `b`, `c` in the expression; scalars are `p.s0`, `p.s1`, …).
 * The building block of every pointwise op and of fused gradient formulas.
 * Does not record for autograd: ops wrap it and record themselves.
 */
export function map(
  op: string,
  expr: string,
  inputs: readonly Tensor[],
  outDtype: DType,
  scalars: readonly { type: ParamType; value: number }[] = [],
  shape?: Shape,
): Tensor {
  const rt = runtimeOf(op, ...inputs);
  let outShape: readonly number[] = shape ?? (inputs.length ? inputs[0].shape : []);
  if (!shape) for (const t of inputs.slice(1)) outShape = broadcastShapes(op, outShape, t.shape);
  const out = empty(rt, outShape, outDtype);
  runElementwise(rt, {
    name: op,
    expr,
    shape: outShape,
    inputs: inputs.map((t) => ({ range: t.binding(), dtype: t.dtype, offset: 0, strides: broadcastStrides(t.shape, outShape) })),
    out: { range: out.binding(), dtype: outDtype, offset: 0, strides: contiguousStrides(outShape) },
    scalars,
  });
  return out;
}

/** Scalar parameter of the right WGSL type for a tensor of `dtype`. */
export function scalarFor(op: string, dtype: DType, value: number): { type: ParamType; value: number } {
  if (dtype === 'int32') {
    if (!Number.isInteger(value)) throw new DTypeError(`${op}: ${value} is not an integer, but the tensor is int32; cast it to float32 first`);
    return { type: 'i32', value };
  }
  return { type: 'f32', value };
}
