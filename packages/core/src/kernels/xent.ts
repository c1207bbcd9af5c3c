import { ParamLayout } from '../runtime/params.js';
import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { enableF16, load, splitWorkgroups, storageDecl, store } from './wgsl.js';

/**
 * Cross-entropy fused with log-softmax, one invocation per row (classifier
 * rows are few and short; a row never leaves one lane's registers).
 * Targets are either class indices (int32, with an ignore index) or a
 * probability row per example (soft targets, as distillation needs).
 * Forward writes the per-row loss and the row's log-sum-exp; backward
 * rebuilds softmax from the saved log-sum-exp: dx = (softmax·Σt − t)·g_row.
 */
export type TargetKind = 'index' | 'soft';

export interface XentForwardCall {
  logits: BufferRange;
  target: BufferRange;
  loss: BufferRange;
  lse: BufferRange;
  dtype: DType;
  kind: TargetKind;
  rows: number;
  n: number;
  ignoreIndex: number;
}

export interface XentBackwardCall {
  logits: BufferRange;
  target: BufferRange;
  lse: BufferRange;
  /** Gradient of each row's loss. */
  gRow: BufferRange;
  dx: BufferRange;
  dtype: DType;
  kind: TargetKind;
  rows: number;
  n: number;
  ignoreIndex: number;
}

const HEAD = `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * (nwg.x * 64u);
  if (row >= p.rows) { return; }
  let base = row * p.n;
`;

export function runXentForward(rt: Runtime, c: XentForwardCall): void {
  if (c.rows === 0) return;
  const t = c.dtype;
  const params = new ParamLayout().add('rows').add('n').add('ignore', 'i32');
  const x = (j: string) => load('x', `base + ${j}`, t);
  const targetDecl = c.kind === 'index' ? storageDecl(2, 'tgt', 'int32', 'read') : storageDecl(2, 'tgt', t, 'read');
  const lossBody =
    c.kind === 'index'
      ? `  let label = tgt[row];
  if (label == p.ignore || label < 0 || u32(label) >= p.n) { loss[row] = ${store('0.0', t)}; return; }
  loss[row] = ${store(`lse - ${x('u32(label)')}`, t)};
`
      : `  var acc = 0.0;
  for (var j = 0u; j < p.n; j++) { acc += ${load('tgt', 'base + j', t)} * (lse - ${x('j')}); }
  loss[row] = ${store('acc', t)};
`;
  const source = () => `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'x', t, 'read')}${targetDecl}${storageDecl(3, 'loss', t, 'read_write')}${storageDecl(4, 'lseOut', 'float32', 'read_write')}
${HEAD}  var m = -3.402823e38;
  for (var j = 0u; j < p.n; j++) { m = max(m, ${x('j')}); }
  var s = 0.0;
  for (var j = 0u; j < p.n; j++) { s += exp(${x('j')} - m); }
  let lse = m + log(s);
  lseOut[row] = lse;
${lossBody}}
`;
  const kernel: Kernel = { key: `xent|fwd|${c.kind}|${t}`, params, storage: ['read', 'read', 'read_write', 'read_write'], source };
  rt.dispatch(kernel, [c.logits, c.target, c.loss, c.lse], { rows: c.rows, n: c.n, ignore: c.ignoreIndex }, splitWorkgroups(Math.ceil(c.rows / 64), rt.limits.maxComputeWorkgroupsPerDimension));
}

export function runXentBackward(rt: Runtime, c: XentBackwardCall): void {
  if (c.rows === 0) return;
  const t = c.dtype;
  const params = new ParamLayout().add('rows').add('n').add('ignore', 'i32');
  const x = (j: string) => load('x', `base + ${j}`, t);
  const targetDecl = c.kind === 'index' ? storageDecl(2, 'tgt', 'int32', 'read') : storageDecl(2, 'tgt', t, 'read');
  const body =
    c.kind === 'index'
      ? `  let label = tgt[row];
  let valid = !(label == p.ignore || label < 0 || u32(label) >= p.n);
  for (var j = 0u; j < p.n; j++) {
    let onehot = select(0.0, 1.0, valid && u32(label) == j);
    dx[base + j] = ${store(`select(0.0, (exp(${x('j')} - lse) - onehot) * g, valid)`, t)};
  }
`
      : `  var tsum = 0.0;
  for (var j = 0u; j < p.n; j++) { tsum += ${load('tgt', 'base + j', t)}; }
  for (var j = 0u; j < p.n; j++) {
    dx[base + j] = ${store(`(exp(${x('j')} - lse) * tsum - ${load('tgt', 'base + j', t)}) * g`, t)};
  }
`;
  const source = () => `${enableF16(t)}${params.wgsl()}${storageDecl(1, 'x', t, 'read')}${targetDecl}${storageDecl(3, 'lseIn', 'float32', 'read')}${storageDecl(4, 'gRow', t, 'read')}${storageDecl(5, 'dx', t, 'read_write')}
${HEAD}  let lse = lseIn[row];
  let g = ${load('gRow', 'row', t)};
${body}}
`;
  const kernel: Kernel = { key: `xent|bwd|${c.kind}|${t}`, params, storage: ['read', 'read', 'read', 'read', 'read_write'], source };
  rt.dispatch(kernel, [c.logits, c.target, c.lse, c.gRow, c.dx], { rows: c.rows, n: c.n, ignore: c.ignoreIndex }, splitWorkgroups(Math.ceil(c.rows / 64), rt.limits.maxComputeWorkgroupsPerDimension));
}
