import { ParamLayout, type ParamType } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { contiguousStrides, numel } from '../tensor/shape.js';
import { MAIN_1D, WORKGROUP, computeType, enableF16, helpersFor, load, splitWorkgroups, storageDecl, store } from './wgsl.js';

/**
 * One program family for every pointwise op: unary, binary, ternary, casts,
 * copies, broadcasts, permutes, slices and region writes. Each operand is read
 * (or the output written) through an element offset and per-dim strides over
 * the iteration shape, so broadcasting (stride 0), transposition and slicing
 * need no kernels of their own.
 */
export interface StridedOperand {
  range: BufferRange;
  dtype: DType;
  /** Element offset of index [0,…,0]. */
  offset: number;
  /** Element stride per dim of the iteration shape (0 = broadcast). */
  strides: readonly number[];
}

export interface ElementwiseCall {
  /** Names the op in the pipeline key. */
  name: string;
  /** WGSL expression over inputs `a`, `b`, `c` (compute types) and scalars `p.s0`, `p.s1`. */
  expr: string;
  shape: readonly number[];
  inputs: readonly StridedOperand[];
  out: StridedOperand;
  scalars?: readonly { type: ParamType; value: number }[];
}

const NAMES = ['a', 'b', 'c', 'd'];

/** Merges adjacent dims that every operand walks contiguously, and drops size-1 dims. */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const keep = shape.map((d, i) => i).filter((i) => shape[i] !== 1);
  let outShape = keep.map((i) => shape[i]);
  let outStrides = strides.map((st) => keep.map((i) => st[i]));
  for (let i = outShape.length - 2; i >= 0; i--) {
    const mergeable = outStrides.every((st) => st[i] === st[i + 1] * outShape[i + 1]);
    if (mergeable) {
      outShape = [...outShape.slice(0, i), outShape[i] * outShape[i + 1], ...outShape.slice(i + 2)];
      outStrides = outStrides.map((st) => [...st.slice(0, i), st[i + 1], ...st.slice(i + 2)]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

function isDirect(op: { offset: number; strides: readonly number[] }, shape: readonly number[]): boolean {
  if (op.offset !== 0) return false;
  const c = contiguousStrides(shape);
  return op.strides.every((s, i) => s === c[i] || shape[i] === 1);
}

export const MAX_RANK = 8;

export function runElementwise(rt: Runtime, call: ElementwiseCall): void {
  const n = numel(call.shape);
  if (n === 0) return;
  const operands = [...call.inputs, call.out];
  const co = coalesce(call.shape, operands.map((o) => o.strides));
  const shape = co.shape;
  const rank = shape.length;
  if (rank > MAX_RANK) throw new Error(`${call.name}: iteration rank ${rank} exceeds ${MAX_RANK} after merging dims`);
  const ops = operands.map((o, j) => ({ ...o, strides: co.strides[j] }));
  const direct = ops.map((o) => isDirect(o, shape));
  const scalars = call.scalars ?? [];

  const key = [
    'ew', call.name, call.expr, `r${rank}`,
    ops.map((o, j) => `${o.dtype}${direct[j] ? 'd' : 's'}`).join(','),
    scalars.map((s) => s.type).join(','),
  ].join('|');

  const params = new ParamLayout().add('n');
  for (let k = 0; k < rank; k++) params.add(`d${k}`);
  ops.forEach((o, j) => {
    if (direct[j]) return;
    params.add(`o${j}`);
    for (let k = 0; k < rank; k++) params.add(`st${j}_${k}`);
  });
  scalars.forEach((s, k) => params.add(`s${k}`, s.type));

  const kernel: Kernel = {
    key,
    params,
    storage: [...call.inputs.map(() => 'read' as const), 'read_write'],
    source: () => {
      const outIdx = ops.length - 1;
      let body = '';
      if (direct.some((d) => !d)) {
        body += '  var rem = i;\n';
        for (let k = rank - 1; k >= 1; k--) body += `  let c${k} = rem % p.d${k}; rem = rem / p.d${k};\n`;
        if (rank > 0) body += '  let c0 = rem;\n';
      }
      const index = (j: number) => {
        if (direct[j]) return 'i';
        const terms = [`p.o${j}`];
        for (let k = 0; k < rank; k++) terms.push(`c${k} * p.st${j}_${k}`);
        return terms.join(' + ');
      };
      call.inputs.forEach((inp, j) => {
        body += `  let ${NAMES[j]} = ${load(`in${j}`, index(j), inp.dtype)};\n`;
      });
      body += `  out[${index(outIdx)}] = ${store(`${computeType(call.out.dtype)}(${call.expr})`, call.out.dtype)};\n`;
      const decls = call.inputs.map((inp, j) => storageDecl(j + 1, `in${j}`, inp.dtype, 'read')).join('') +
        storageDecl(call.inputs.length + 1, 'out', call.out.dtype, 'read_write');
      return `${enableF16(...ops.map((o) => o.dtype))}${params.wgsl()}${decls}${helpersFor(call.expr)}
${MAIN_1D}
  if (i >= p.n) { return; }
${body}}
`;
    },
  };

  const values: Record<string, number> = { n };
  shape.forEach((d, k) => (values[`d${k}`] = d));
  ops.forEach((o, j) => {
    if (direct[j]) return;
    values[`o${j}`] = o.offset;
    o.strides.forEach((s, k) => (values[`st${j}_${k}`] = s));
  });
  scalars.forEach((s, k) => (values[`s${k}`] = s.value));
  const [x, y] = splitWorkgroups(Math.ceil(n / WORKGROUP), rt.limits.maxComputeWorkgroupsPerDimension);
  rt.dispatch(kernel, ops.map((o) => o.range), values, [x, y]);
}
