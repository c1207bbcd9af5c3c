import { DTypeError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { castTo } from './creation.js';
import { map, scalarFor } from './map.js';
import { registerOp } from './registry.js';
import { sumTo } from './reduce.js';
import { record, requireDtype, requireSameDtype, runtimeOf } from './util.js';

// ---------- unary ----------

/**
 * A unary op: its forward WGSL expression over `a`, and its gradient as a
 * WGSL expression over `a` (the upstream gradient), `b` (the input x) and
 * `c` (the output y).
 */
interface UnaryDef {
  expr: string;
  grad: string | null;
  floatOnly: boolean;
}

const UNARY = {
  neg: { expr: '-a', grad: '-a', floatOnly: false },
  abs: { expr: 'abs(a)', grad: 'a * sign(b)', floatOnly: false },
  exp: { expr: 'exp(a)', grad: 'a * c', floatOnly: true },
  log: { expr: 'log(a)', grad: 'a / b', floatOnly: true },
  sqrt: { expr: 'sqrt(a)', grad: 'a * 0.5 / c', floatOnly: true },
  rsqrt: { expr: 'inverseSqrt(a)', grad: 'a * -0.5 * c * c * c', floatOnly: true },
  square: { expr: 'a * a', grad: 'a * 2.0 * b', floatOnly: false },
  reciprocal: { expr: '1.0 / a', grad: '-a * c * c', floatOnly: true },
  tanh: { expr: 'tanh_f(a)', grad: 'a * (1.0 - c * c)', floatOnly: true },
  sigmoid: { expr: 'sigmoid_f(a)', grad: 'a * c * (1.0 - c)', floatOnly: true },
  relu: { expr: 'max(a, 0.0)', grad: 'select(0.0, a, b > 0.0)', floatOnly: true },
  gelu: { expr: 'gelu_f(a)', grad: 'a * gelu_grad_f(b)', floatOnly: true },
  sin: { expr: 'sin(a)', grad: 'a * cos(b)', floatOnly: true },
  cos: { expr: 'cos(a)', grad: '-a * sin(b)', floatOnly: true },
} satisfies Record<string, UnaryDef>;

export type UnaryOp = keyof typeof UNARY;

function unary(name: UnaryOp, x: Tensor): Tensor {
  runtimeOf(name, x);
  const def: UnaryDef = UNARY[name];
  if (def.floatOnly) requireDtype(name, x, 'float32', 'float16');
  const y = map(name, def.expr, [x], x.dtype);
  const grad = def.grad;
  if (!grad) return y;
  return record(y, name, [x], [x, y], (g, [xs, ys]) => [map(`${name}_bwd`, grad, [g, xs, ys], g.dtype)]);
}

export const neg = (x: Tensor) => unary('neg', x);
export const abs = (x: Tensor) => unary('abs', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const rsqrt = (x: Tensor) => unary('rsqrt', x);
export const square = (x: Tensor) => unary('square', x);
export const reciprocal = (x: Tensor) => unary('reciprocal', x);
export const tanh = (x: Tensor) => unary('tanh', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
export const relu = (x: Tensor) => unary('relu', x);
/** GELU in the exact erf form BERT uses: x·Φ(x). */
export const gelu = (x: Tensor) => unary('gelu', x);
export const sin = (x: Tensor) => unary('sin', x);
export const cos = (x: Tensor) => unary('cos', x);

/** x^e for a number exponent (negative bases allowed for integral e, as in PyTorch). */
export function pow(x: Tensor, e: number): Tensor {
  requireDtype('pow', x, 'float32', 'float16');
  const y = map('pow', 'pow_f(a, p.s0)', [x], x.dtype, [{ type: 'f32', value: e }]);
  return record(y, 'pow', [x], [x], (g, [xs]) => [
    map('pow_bwd', 'a * p.s0 * pow_f(b, p.s0 - 1.0)', [g, xs], g.dtype, [{ type: 'f32', value: e }]),
  ]);
}

/** Limits values to [lo, hi]; the gradient passes where x is inside. */
export function clamp(x: Tensor, lo: number, hi: number): Tensor {
  const s = [scalarFor('clamp', x.dtype, lo), scalarFor('clamp', x.dtype, hi)];
  const y = map('clamp', 'clamp(a, p.s0, p.s1)', [x], x.dtype, s);
  return record(y, 'clamp', [x], [x], (g, [xs]) => [map('clamp_bwd', 'select(0.0, a, b >= p.s0 && b <= p.s1)', [g, xs], g.dtype, s)]);
}

/** Dtype conversion; differentiable between float types. */
export function cast(x: Tensor, dtype: DType): Tensor {
  runtimeOf('cast', x);
  if (x.dtype === dtype) return x.view(x.shape);
  const y = castTo(x, dtype);
  if (x.dtype === 'int32' || dtype === 'int32') return y;
  return record(y, 'cast', [x], [], (g) => [castTo(g, x.dtype)]);
}

// ---------- binary ----------

/**
 * A binary op: forward over `a`, `b`; gradients for each side as WGSL over
 * `a` (upstream gradient), `b` (left input) and `c` (right input), summed back
 * over broadcast dims.
 */
interface BinaryDef {
  expr: string;
  gradA: string;
  gradB: string;
}

const BINARY = {
  add: { expr: 'a + b', gradA: 'a', gradB: 'a' },
  sub: { expr: 'a - b', gradA: 'a', gradB: '-a' },
  mul: { expr: 'a * b', gradA: 'a * c', gradB: 'a * b' },
  div: { expr: 'a / b', gradA: 'a / c', gradB: '-a * b / (c * c)' },
  // Ties share the gradient equally, as PyTorch does.
  maximum: { expr: 'max(a, b)', gradA: 'a * select(select(0.0, 0.5, b == c), 1.0, b > c)', gradB: 'a * select(select(0.0, 0.5, b == c), 1.0, c > b)' },
  minimum: { expr: 'min(a, b)', gradA: 'a * select(select(0.0, 0.5, b == c), 1.0, b < c)', gradB: 'a * select(select(0.0, 0.5, b == c), 1.0, c < b)' },
} satisfies Record<string, BinaryDef>;

export type BinaryOp = keyof typeof BINARY;

/** Gradient expression with `b`/`c` for the inputs, specialised for a scalar right operand. */
function scalarGrad(expr: string): string {
  return expr.replace(/\bc\b/g, 'p.s0');
}

function binary(name: BinaryOp, a: Tensor | number, b: Tensor | number): Tensor {
  const def: BinaryDef = BINARY[name];
  if (typeof a === 'number' && typeof b === 'number') throw new DTypeError(`${name}: at least one operand must be a tensor`);
  if (typeof a === 'number') {
    // number ∘ tensor: swap into tensor ∘ number where the op allows it.
    const t = b as Tensor;
    if (name === 'add' || name === 'mul' || name === 'maximum' || name === 'minimum') return binary(name, t, a);
    const s = scalarFor(name, t.dtype, a);
    const expr = name === 'sub' ? 'p.s0 - a' : 'p.s0 / a';
    const y = map(`${name}_rs`, expr, [t], t.dtype, [s]);
    const grad = name === 'sub' ? '-a' : '-a * p.s0 / (b * b)';
    return record(y, name, [t], [t], (g, [ts]) => [map(`${name}_rs_bwd`, grad, [g, ts], g.dtype, [s])]);
  }
  if (typeof b === 'number') {
    runtimeOf(name, a);
    const s = scalarFor(name, a.dtype, b);
    const y = map(`${name}_s`, def.expr.replace(/\bb\b/g, 'p.s0'), [a], a.dtype, [s]);
    return record(y, name, [a], [a], (g, [as]) => [map(`${name}_s_bwd`, scalarGrad(def.gradA), [g, as], g.dtype, [s])]);
  }
  runtimeOf(name, a, b);
  requireSameDtype(name, a, b);
  const y = map(name, def.expr, [a, b], a.dtype);
  return record(y, name, [a, b], [a, b], (g, [as, bs]) => {
    const out: (Tensor | null)[] = [null, null];
    if (a.requiresGrad) {
      const full = def.gradA === 'a' ? g.view(g.shape, true) : map(`${name}_bwdA`, def.gradA, [g, as, bs], g.dtype, [], g.shape);
      out[0] = sumTo(full, a.shape);
      full.dispose();
    }
    if (b.requiresGrad) {
      const full = map(`${name}_bwdB`, def.gradB, [g, as, bs], g.dtype, [], g.shape);
      out[1] = sumTo(full, b.shape);
      full.dispose();
    }
    return out;
  });
}

export const add = (a: Tensor | number, b: Tensor | number) => binary('add', a, b);
export const sub = (a: Tensor | number, b: Tensor | number) => binary('sub', a, b);
export const mul = (a: Tensor | number, b: Tensor | number) => binary('mul', a, b);
export const div = (a: Tensor | number, b: Tensor | number) => binary('div', a, b);
export const maximum = (a: Tensor | number, b: Tensor | number) => binary('maximum', a, b);
export const minimum = (a: Tensor | number, b: Tensor | number) => binary('minimum', a, b);

// ---------- comparisons (int32 0/1 results, no gradient) ----------

const COMPARE = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;
export type CompareOp = keyof typeof COMPARE;

function compare(name: CompareOp, a: Tensor, b: Tensor | number): Tensor {
  const sym = COMPARE[name];
  if (typeof b === 'number') {
    runtimeOf(name, a);
    return map(`${name}_s`, `select(0, 1, a ${sym} p.s0)`, [a], 'int32', [scalarFor(name, a.dtype, b)]);
  }
  runtimeOf(name, a, b);
  requireSameDtype(name, a, b);
  return map(name, `select(0, 1, a ${sym} b)`, [a, b], 'int32');
}

export const eq = (a: Tensor, b: Tensor | number) => compare('eq', a, b);
export const ne = (a: Tensor, b: Tensor | number) => compare('ne', a, b);
export const lt = (a: Tensor, b: Tensor | number) => compare('lt', a, b);
export const le = (a: Tensor, b: Tensor | number) => compare('le', a, b);
export const gt = (a: Tensor, b: Tensor | number) => compare('gt', a, b);
export const ge = (a: Tensor, b: Tensor | number) => compare('ge', a, b);

// ---------- selection ----------

/** Elementwise `cond ? a : b` with broadcasting; cond is any dtype, nonzero = true. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  runtimeOf('where', cond, a, b);
  requireSameDtype('where', a, b);
  const zero = cond.dtype === 'int32' ? '0' : '0.0';
  const y = map('where', `select(c, b, a != ${zero})`, [cond, a, b], a.dtype);
  return record(y, 'where', [a, b], [cond], (g, [cs]) => [
    a.requiresGrad ? sumToDispose(map('where_bwdA', `select(0.0, a, b != ${zero})`, [g, cs], g.dtype, [], g.shape), a) : null,
    b.requiresGrad ? sumToDispose(map('where_bwdB', `select(a, 0.0, b != ${zero})`, [g, cs], g.dtype, [], g.shape), b) : null,
  ]);
}

/** x with `value` wherever mask is nonzero (mask broadcasts to x). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  runtimeOf('maskedFill', x, mask);
  const zero = mask.dtype === 'int32' ? '0' : '0.0';
  const s = scalarFor('maskedFill', x.dtype, value);
  const y = map('masked_fill', `select(a, p.s0, b != ${zero})`, [x, mask], x.dtype, [s], x.shape);
  return record(y, 'maskedFill', [x], [mask], (g, [ms]) => [map('masked_fill_bwd', `select(a, 0.0, b != ${zero})`, [g, ms], g.dtype, [], g.shape)]);
}

function sumToDispose(full: Tensor, like: Tensor): Tensor {
  const r = sumTo(full, like.shape);
  full.dispose();
  return r;
}

for (const name of Object.keys(UNARY)) registerOp(name, true);
for (const name of Object.keys(BINARY)) registerOp(name, true);
for (const name of Object.keys(COMPARE)) registerOp(name, false);
registerOp('pow', true);
registerOp('clamp', true);
registerOp('cast', true);
registerOp('where', true);
registerOp('maskedFill', true);
