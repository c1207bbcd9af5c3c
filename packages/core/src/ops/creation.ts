import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { runElementwise } from '../kernels/elementwise.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { checkShape, contiguousStrides, numel, type Shape } from '../tensor/shape.js';
import { getDefaultRuntime, requireTensorApi } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';
import { registerOp } from './registry.js';
import { empty } from './util.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** Runtime to allocate on (default: the one from init()). */
  runtime?: Runtime;
}

export type NestedArray = number | readonly NestedArray[];
export type TensorData = NestedArray | Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** Value range of int tensors made from CPU data, so index ops can check bounds before dispatch. */
export const knownIntRange = new WeakMap<Tensor, [number, number]>();

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], out: number[], depth = 0, path = ''): void {
  if (depth === shape.length) {
    if (typeof data !== 'number') throw new ShapeError(`tensor(): ragged nested array at ${path || 'top'}: expected a number`);
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new ShapeError(`tensor(): ragged nested array at ${path || 'top'}: expected ${shape[depth]} items to match shape ${fmtShape(shape)}`);
  }
  data.forEach((d: NestedArray, i: number) => flatten(d, shape, out, depth + 1, `${path}[${i}]`));
}

function fill(rt: Runtime, shape: Shape, dtype: DType, value: number): Tensor {
  const out = empty(rt, shape, dtype);
  runElementwise(rt, {
    name: 'fill',
    expr: 'p.s0',
    shape,
    inputs: [],
    out: { range: out.binding(), dtype, offset: 0, strides: contiguousStrides(shape) },
    scalars: [{ type: dtype === 'int32' ? 'i32' : 'f32', value }],
  });
  return out;
}

/** The runtime new tensors go to: the given one or the default, once init()'s module has completed the API. */
function runtimeFor(options: CreateOptions): Runtime {
  requireTensorApi();
  return options.runtime ?? getDefaultRuntime();
}

/**
 * Makes a tensor from CPU data: a number, nested arrays, or a typed array
 * (with `shape`, default 1-D). Int32Array data defaults to int32, all else to float32.
 */
export function tensor(data: TensorData, shape?: Shape, options: CreateOptions = {}): Tensor {
  const rt = runtimeFor(options);
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (ArrayBuffer.isView(data)) {
    flat = data as ArrayLike<number>;
    inferred = [flat.length];
  } else {
    inferred = inferShape(data);
    const out: number[] = [];
    flatten(data, inferred, out);
    flat = out;
  }
  const finalShape = shape ? [...shape] : inferred;
  checkShape(finalShape, 'tensor()');
  if (numel(finalShape) !== flat.length) {
    throw new ShapeError(`tensor(): ${flat.length} values do not fill shape ${fmtShape(finalShape)} (${numel(finalShape)} elements)`);
  }
  const dtype = options.dtype ?? (data instanceof Int32Array ? 'int32' : 'float32');
  if (dtype === 'float16') {
    const f32 = tensor(data, finalShape, { ...options, dtype: 'float32', requiresGrad: false });
    const h = castTo(f32, 'float16');
    f32.dispose();
    h.requiresGrad = options.requiresGrad ?? false;
    return h;
  }
  let typed: Float32Array | Int32Array;
  if (dtype === 'int32') {
    typed = data instanceof Int32Array ? data : new Int32Array(flat.length);
    if (!(data instanceof Int32Array)) {
      for (let i = 0; i < flat.length; i++) {
        const v = flat[i];
        if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new DTypeError(`tensor(): value ${v} at flat index ${i} is not an int32`);
        typed[i] = v;
      }
    }
  } else {
    typed = data instanceof Float32Array ? data : Float32Array.from(flat);
  }
  const t = empty(rt, finalShape, dtype);
  rt.upload(t.binding(), typed);
  if (dtype === 'int32' && typed.length > 0) {
    let lo = typed[0];
    let hi = typed[0];
    for (const v of typed) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    knownIntRange.set(t, [lo, hi]);
  }
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

function make(shape: Shape, options: CreateOptions, value: number): Tensor {
  checkShape(shape, 'full()');
  const dtype = options.dtype ?? 'float32';
  const rt = runtimeFor(options);
  const t = fill(rt, shape, dtype === 'float16' ? 'float16' : dtype, value);
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return make(shape, options, 0);
}

export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return make(shape, options, 1);
}

export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  if (options.dtype === 'int32' && !Number.isInteger(value)) throw new DTypeError(`full(): ${value} is not an int32`);
  return make(shape, options, value);
}

export function zerosLike(t: Tensor): Tensor {
  return make(t.shape, { dtype: t.dtype, runtime: t.runtime }, 0);
}

export function onesLike(t: Tensor): Tensor {
  return make(t.shape, { dtype: t.dtype, runtime: t.runtime }, 1);
}

/** [start, start+step, …) below `end`, like numpy.arange. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0) throw new ShapeError('arange(): step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = options.dtype ?? (Number.isInteger(start) && Number.isInteger(step) ? 'int32' : 'float32');
  const rt = runtimeFor(options);
  const out = empty(rt, [n], dtype);
  const st = dtype === 'int32' ? 'i32' : 'f32';
  runElementwise(rt, {
    name: 'arange',
    expr: dtype === 'int32' ? 'p.s0 + i32(i) * p.s1' : 'p.s0 + f32(i) * p.s1',
    shape: [n],
    inputs: [],
    out: { range: out.binding(), dtype, offset: 0, strides: [1] },
    scalars: [{ type: st, value: start }, { type: st, value: step }],
  });
  out.requiresGrad = options.requiresGrad ?? false;
  return out;
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function random(shape: Shape, options: RandomOptions, expr: string, a: number, b: number): Tensor {
  checkShape(shape, 'rand()');
  const rt = runtimeFor(options);
  const dtype = options.dtype ?? 'float32';
  if (dtype === 'int32') throw new DTypeError('rand()/randn(): dtype must be a float type');
  const [k0, k1] = (options.generator ?? defaultGenerator()).nextKey();
  const out = empty(rt, shape, dtype);
  runElementwise(rt, {
    name: 'random',
    expr,
    shape,
    inputs: [],
    out: { range: out.binding(), dtype, offset: 0, strides: contiguousStrides(shape) },
    scalars: [{ type: 'u32', value: k0 }, { type: 'u32', value: k1 }, { type: 'f32', value: a }, { type: 'f32', value: b }],
  });
  out.requiresGrad = options.requiresGrad ?? false;
  return out;
}

/** Uniform in [low, high) from the seeded GPU generator. */
export function rand(shape: Shape, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  return random(shape, options, 'p.s2 + (p.s3 - p.s2) * rng_u01(p.s0, p.s1, i)', low, high);
}

/** Normal(mean, std) from the seeded GPU generator. */
export function randn(shape: Shape, options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  return random(shape, options, 'p.s2 + p.s3 * rng_normal(p.s0, p.s1, i)', options.mean ?? 0, options.std ?? 1);
}

/** Dtype conversion (float→int truncates toward zero). */
export function castTo(t: Tensor, dtype: DType): Tensor {
  const rt = t.runtime;
  if (dtype === 'float16' && !rt.hasF16) throw new DTypeError(`cast to float16: this adapter lacks the shader-f16 feature`);
  const out = empty(rt, t.shape, dtype);
  runElementwise(rt, {
    name: 'cast',
    expr: 'a',
    shape: t.shape,
    inputs: [{ range: t.binding(), dtype: t.dtype, offset: 0, strides: contiguousStrides(t.shape) }],
    out: { range: out.binding(), dtype, offset: 0, strides: contiguousStrides(t.shape) },
  });
  return out;
}

registerOp('tensor', false);
registerOp('zeros', false);
registerOp('ones', false);
registerOp('full', false);
registerOp('arange', false);
registerOp('rand', false);
registerOp('randn', false);
