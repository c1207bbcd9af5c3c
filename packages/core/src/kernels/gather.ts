import { ParamLayout } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { MAIN_1D, WORKGROUP, enableF16, load, splitWorkgroups, storageDecl, store } from './wgsl.js';

/**
 * Index-select along one axis of a table viewed as [outer, V, inner]:
 * out[a, i, c] = table[a, idx[i], c]. Indices outside [0, V) read as 0
 * (the ops layer rejects them up front when it knows their range).
 */
export interface GatherCall {
  table: BufferRange;
  idx: BufferRange;
  out: BufferRange;
  dtype: DType;
  outer: number;
  v: number;
  inner: number;
  nIdx: number;
}

export function runGather(rt: Runtime, c: GatherCall): void {
  const n = c.outer * c.nIdx * c.inner;
  if (n === 0) return;
  const t = c.dtype;
  const params = new ParamLayout().add('n').add('v').add('inner').add('nIdx');
  const source = () => `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'table', t, 'read')}${storageDecl(2, 'idx', 'int32', 'read')}${storageDecl(3, 'out', t, 'read_write')}
${MAIN_1D}
  if (i >= p.n) { return; }
  let col = i % p.inner;
  let q = i / p.inner;
  let k = q % p.nIdx;
  let a = q / p.nIdx;
  let row = idx[k];
  if (row < 0 || u32(row) >= p.v) { out[i] = ${store('0.0', t)}; return; }
  out[i] = ${load('table', '(a * p.v + u32(row)) * p.inner + col', t)};
}
`;
  const kernel: Kernel = { key: `gather|${t}`, params, storage: ['read', 'read', 'read_write'], source };
  rt.dispatch(kernel, [c.table, c.idx, c.out], { n, v: c.v, inner: c.inner, nIdx: c.nIdx }, splitWorkgroups(Math.ceil(n / WORKGROUP), rt.limits.maxComputeWorkgroupsPerDimension));
}

/**
 * The gradient of a gather, deterministically: instead of float atomics
 * (unordered, so results would differ run to run), each index's first
 * occurrence walks the chain of its repeats in order. Pass 1 links every
 * position to its next repeat (O(nIdx²) comparisons, cheap for token batches);
 * pass 2 sums along chains. The output must be zero-filled beforehand.
 */
export interface ScatterAddCall {
  grad: BufferRange;
  idx: BufferRange;
  /** [nIdx × 2] u32 scratch: (next repeat or 0xffffffff, is-first flag). */
  links: BufferRange;
  out: BufferRange;
  dtype: DType;
  outer: number;
  v: number;
  inner: number;
  nIdx: number;
  /** An index whose row receives no gradient (padding), or -1. */
  skip: number;
}

export function runScatterAdd(rt: Runtime, c: ScatterAddCall): void {
  if (c.nIdx === 0 || c.outer * c.inner === 0) return;
  const t = c.dtype;
  const linkParams = new ParamLayout().add('nIdx');
  const linkKernel: Kernel = {
    key: 'scatter|links',
    params: linkParams,
    storage: ['read', 'read_write'],
    source: () => `${linkParams.wgsl()}${storageDecl(1, 'idx', 'int32', 'read')}
@group(0) @binding(2) var<storage, read_write> links: array<u32>;
${MAIN_1D}
  if (i >= p.nIdx) { return; }
  let me = idx[i];
  var first = 1u;
  for (var j = 0u; j < i; j++) { if (idx[j] == me) { first = 0u; break; } }
  var next = 0xffffffffu;
  for (var j = i + 1u; j < p.nIdx; j++) { if (idx[j] == me) { next = j; break; } }
  links[2u * i] = next;
  links[2u * i + 1u] = first;
}
`,
  };
  rt.dispatch(linkKernel, [c.idx, c.links], { nIdx: c.nIdx }, splitWorkgroups(Math.ceil(c.nIdx / WORKGROUP), rt.limits.maxComputeWorkgroupsPerDimension));

  const n = c.outer * c.nIdx * c.inner;
  const params = new ParamLayout().add('n').add('v').add('inner').add('nIdx').add('skip', 'i32');
  const sumKernel: Kernel = {
    key: `scatter|sum|${t}`,
    params,
    storage: ['read', 'read', 'read', 'read_write'],
    source: () => `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'grad', t, 'read')}${storageDecl(2, 'idx', 'int32', 'read')}
@group(0) @binding(3) var<storage, read> links: array<u32>;
${storageDecl(4, 'out', t, 'read_write')}
${MAIN_1D}
  if (i >= p.n) { return; }
  let col = i % p.inner;
  let q = i / p.inner;
  let k = q % p.nIdx;
  let a = q / p.nIdx;
  if (links[2u * k + 1u] == 0u) { return; }
  let row = idx[k];
  if (row < 0 || u32(row) >= p.v || row == p.skip) { return; }
  var acc = 0.0;
  var j = k;
  loop {
    acc += ${load('grad', '(a * p.nIdx + j) * p.inner + col', t)};
    j = links[2u * j];
    if (j == 0xffffffffu) { break; }
  }
  out[(a * p.v + u32(row)) * p.inner + col] = ${store('acc', t)};
}
`,
  };
  rt.dispatch(sumKernel, [c.grad, c.idx, c.links, c.out], { n, v: c.v, inner: c.inner, nIdx: c.nIdx, skip: c.skip }, splitWorkgroups(Math.ceil(n / WORKGROUP), rt.limits.maxComputeWorkgroupsPerDimension));
}
