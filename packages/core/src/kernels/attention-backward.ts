import type { BufferRange, Kernel } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import {
  accumulateRows, attentionParams, chunk, dotRows, entryPoint, dispatchRows, each, keep, moduleHeader, rowLoop, specKey, storeRow, sumOf, vecs,
  type AttentionBinding, type AttentionDims, type AttentionSpec,
} from './attention-common.js';

/**
 * Fused attention backward (FlashAttention-2 style), two kernels that never
 * hold a T×T matrix. With S = Q·Kᵀ·scale + bias, P = exp(S − lse) rebuilt
 * from the saved row statistics, dropout mask M (regenerated from the same
 * counter as the forward) and Z = P ⊙ M/(1−p):
 *   dZ = dO·Vᵀ,  dP = dZ ⊙ M/(1−p),  Dᵢ = Σⱼ Pᵢⱼ dPᵢⱼ = dOᵢ·Oᵢ,
 *   dS = P ⊙ (dP − D),  dQ = scale·dS·K,  dK = scale·dSᵀ·Q,  dV = Zᵀ·dO.
 *
 * 1. `dq`: lanes own query rows and loop over the keys; writes dQ and Dᵢ.
 * 2. `dkv`: lanes own key rows and loop over the queries; reads Dᵢ; writes dK, dV.
 * Scores are recomputed in both (the price of O(T) memory).
 */
export interface AttentionBackwardCall {
  q: BufferRange;
  k: BufferRange;
  v: BufferRange;
  bias: BufferRange | null;
  out: BufferRange;
  lse: BufferRange;
  /** Upstream gradient dO, shaped like out. */
  g: BufferRange;
  /** [B·H·Tq] f32 scratch for Dᵢ. */
  delta: BufferRange;
  dq: BufferRange;
  dk: BufferRange;
  dv: BufferRange;
}

function dqBindings(s: AttentionSpec): AttentionBinding[] {
  return [
    { name: 'Q', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'K', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'V', dtype: s.dtype, access: 'read', rowArray: true },
    ...(s.masked ? [{ name: 'bias', dtype: 'float32' as const, access: 'read' as const }] : []),
    { name: 'O', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'lse', dtype: 'float32', access: 'read' },
    { name: 'dO', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'delta', dtype: 'float32', access: 'read_write' },
    { name: 'dQ', dtype: s.dtype, access: 'read_write', rowArray: true },
  ];
}

function dkvBindings(s: AttentionSpec): AttentionBinding[] {
  return [
    { name: 'Q', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'K', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'V', dtype: s.dtype, access: 'read', rowArray: true },
    ...(s.masked ? [{ name: 'bias', dtype: 'float32' as const, access: 'read' as const }] : []),
    { name: 'lse', dtype: 'float32', access: 'read' },
    { name: 'dO', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'delta', dtype: 'float32', access: 'read' },
    { name: 'dK', dtype: s.dtype, access: 'read_write', rowArray: true },
    { name: 'dV', dtype: s.dtype, access: 'read_write', rowArray: true },
  ];
}

function dqSource(s: AttentionSpec): string {
  const nv = vecs(s.d);
  const R = s.rowsPerLane;
  const loop = rowLoop(s, 'K', 'V', 'kvBase', 'p.tk');
  const K = (c: number) => loop.elem('a', c);
  const V = (c: number) => loop.elem('b', c);
  const rows = (f: (t: number) => string) => each(R, f);
  const dp = (t: number) => (s.dropout ? `select(0.0, dz${t} * p.dscale, ${keep(`ctr${t} + r`)})` : `dz${t}`);
  const body = `${loop.decls}
${entryPoint(s)}
  let kvBase = bh * p.tk;
${rows((t) => `  let i${t} = (wid.x * ${R}u + ${t}u) * ${s.lanes}u + lid;
  let qRow${t} = bh * p.tq + min(i${t}, p.tq - 1u);
  let ctr${t} = qRow${t} * p.tk;
${each(nv, (c) => `  let q${t}_${c} = ${chunk('Q', `qRow${t}`, c, s)} * p.scale;`)}
${each(nv, (c) => `  let g${t}_${c} = ${chunk('dO', `qRow${t}`, c, s)};`)}
  let di${t} = ${sumOf(nv, (c) => `dot(g${t}_${c}, ${chunk('O', `qRow${t}`, c, s)})`)};
  let shift${t} = lse[2u * qRow${t}];
  let logL${t} = lse[2u * qRow${t} + 1u];
${each(nv, (c) => `  var acc${t}_${c} = vec4<f32>();`)}`)}
${loop.open}
${dotRows(s, 'qk', R, (t, c) => `q${t}_${c}`, K)}
${dotRows(s, 'dz', R, (t, c) => `g${t}_${c}`, V)}
${s.masked ? '    let bias_r = bias[biasBase + r];' : ''}
${rows((t) => `    let pr${t} = exp((qk${t}${s.masked ? ' + bias_r' : ''} - shift${t}) - logL${t});
    let ds${t} = pr${t} * (${dp(t)} - di${t});`)}
${accumulateRows(s, R, (t) => `ds${t}`, (t, c) => `acc${t}_${c}`, K)}
${loop.close}
${rows((t) => `  if (i${t} < p.tq) {
${storeRow('dQ', `qRow${t}`, `acc${t}_`, ' * p.scale', s)}
    delta[qRow${t}] = di${t};
  }`)}
}
`;
  return moduleHeader(s, attentionParams(), dqBindings(s), body) + body;
}

function dkvSource(s: AttentionSpec): string {
  const nv = vecs(s.d);
  const R = s.rowsPerLane;
  const loop = rowLoop(s, 'Q', 'dO', 'qBase', 'p.tq');
  const Q = (c: number) => loop.elem('a', c);
  const G = (c: number) => loop.elem('b', c);
  const rows = (f: (t: number) => string) => each(R, f);
  const drop = (t: number) =>
    s.dropout
      ? `    let kept${t} = ${keep(`ctrCol${t} + r * p.tk`)};
    let z${t} = select(0.0, pr${t} * p.dscale, kept${t});
    let dp${t} = select(0.0, dz${t} * p.dscale, kept${t});`
      : `    let z${t} = pr${t};
    let dp${t} = dz${t};`;
  const body = `${loop.decls}
${entryPoint(s)}
  let qBase = bh * p.tq;
${rows((t) => `  let j${t} = (wid.x * ${R}u + ${t}u) * ${s.lanes}u + lid;
  let col${t} = min(j${t}, p.tk - 1u);
  let kRow${t} = bh * p.tk + col${t};
  // Dropout counter of element (query qBase + r, key col) is (qBase + r)·Tk + col.
  let ctrCol${t} = qBase * p.tk + col${t};
  let bj${t} = ${s.masked ? `bias[biasBase + col${t}]` : '0.0'};
${each(nv, (c) => `  let k${t}_${c} = ${chunk('K', `kRow${t}`, c, s)} * p.scale;`)}
${each(nv, (c) => `  let v${t}_${c} = ${chunk('V', `kRow${t}`, c, s)};`)}
${each(nv, (c) => `  var dk${t}_${c} = vec4<f32>();\n  var dv${t}_${c} = vec4<f32>();`)}`)}
${loop.open}
    let qi = qBase + r;
    let shift = lse[2u * qi];
    let logL = lse[2u * qi + 1u];
    let di = delta[qi];
${dotRows(s, 'qk', R, (t, c) => `k${t}_${c}`, Q)}
${dotRows(s, 'dz', R, (t, c) => `v${t}_${c}`, G)}
${rows((t) => `    let pr${t} = exp((qk${t} + bj${t} - shift) - logL);
${drop(t)}
    let ds${t} = pr${t} * (dp${t} - di);`)}
${accumulateRows(s, R, (t) => `z${t}`, (t, c) => `dv${t}_${c}`, G, 'gx')}
${accumulateRows(s, R, (t) => `ds${t}`, (t, c) => `dk${t}_${c}`, Q, 'qx')}
${loop.close}
${rows((t) => `  if (j${t} < p.tk) {
${storeRow('dK', `kRow${t}`, `dk${t}_`, ' * p.scale', s)}
${storeRow('dV', `kRow${t}`, `dv${t}_`, '', s)}
  }`)}
}
`;
  return moduleHeader(s, attentionParams(), dkvBindings(s), body) + body;
}

export function runAttentionBackward(rt: Runtime, s: AttentionSpec, dims: AttentionDims, c: AttentionBackwardCall): void {
  if (dims.bh === 0) return;
  const bias = s.masked && c.bias ? [c.bias] : [];
  const params = attentionParams();
  if (dims.tq > 0) {
    const b = dqBindings(s);
    const kernel: Kernel = { key: specKey('dq', s), params, storage: b.map((x) => x.access), source: () => dqSource(s) };
    dispatchRows(rt, kernel, [c.q, c.k, c.v, ...bias, c.out, c.lse, c.g, c.delta, c.dq], s, dims, dims.tq);
  }
  if (dims.tk > 0) {
    const b = dkvBindings(s);
    const kernel: Kernel = { key: specKey('dkv', s), params, storage: b.map((x) => x.access), source: () => dkvSource(s) };
    dispatchRows(rt, kernel, [c.q, c.k, c.v, ...bias, c.lse, c.g, c.delta, c.dk, c.dv], s, dims, dims.tk);
  }
}
