import { GradNode, type BackwardFn } from '../autograd/node.js';
import { DTypeError, DeviceError, fmtShape } from '../errors.js';
import type { StridedOperand } from '../kernels/elementwise.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { contiguousStrides, type Shape } from '../tensor/shape.js';
import { getDefaultRuntime, isGradEnabled } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';

/** The runtime all operands live on; throws before any GPU work if they differ or are disposed. */
export function runtimeOf(op: string, ...ts: Tensor[]): Runtime {
  let rt: Runtime | null = null;
  for (const t of ts) {
    if (t.isDisposed) t.storage; // throws DisposedError naming the tensor
    if (rt && t.runtime !== rt) throw new DeviceError(`${op}: operands live on different GPU devices`);
    rt = t.runtime;
  }
  return rt ?? getDefaultRuntime();
}

export function requireDtype(op: string, t: Tensor, ...allowed: DType[]): void {
  if (!allowed.includes(t.dtype)) {
    throw new DTypeError(`${op}: expected ${allowed.join(' or ')}, got ${t.describe()}`);
  }
}

export function requireSameDtype(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`${op}: dtypes differ (${a.dtype} ${fmtShape(a.shape)} vs ${b.dtype} ${fmtShape(b.shape)}); cast one first`);
  }
}

/** A tensor as a kernel operand read contiguously over its own shape. */
export function operand(t: Tensor, strides: readonly number[] = contiguousStrides(t.shape), offset = 0): StridedOperand {
  return { range: t.binding(), dtype: t.dtype, offset, strides };
}

export function empty(rt: Runtime, shape: Shape, dtype: DType): Tensor {
  return Tensor.empty(rt, shape, dtype);
}

/**
 * Attaches a tape node to `out` when recording is on and an input needs
 * grad. `saved` tensors are kept alive (sharing storage) until backward
 * has used them; `backward` gets them back in the same order.
 */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], saved: readonly Tensor[], backward: BackwardFn): Tensor {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return out;
  const edges = inputs.map((t) => (t.requiresGrad ? { node: t.node, leaf: t.node ? null : t, shape: t.shape } : null));
  const keep = saved.map((t) => t.view(t.shape, false));
  out.requiresGrad = true;
  out.node = new GradNode(op, edges, keep, backward);
  return out;
}

/** True when `fn`'s result will be recorded (lets ops skip computing what only backward needs). */
export function willRecord(inputs: readonly Tensor[]): boolean {
  return isGradEnabled() && inputs.some((t) => t.requiresGrad);
}
