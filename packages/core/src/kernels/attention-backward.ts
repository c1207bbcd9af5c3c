import type { BufferRange } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import {
  accumulateRows, chunk, dotRows, dispatchRows, each, keep, storeRow, sumOf, vecs,
  type AttentionBinding, type AttentionDims, type AttentionSpec,
} from './attention-common.js';
import type { AttentionForwardCall } from './attention-forward.js';
import { fusedKernel, inputBindings, lanePrologue } from './attention-prologue.js';

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
export interface AttentionBackwardCall extends AttentionForwardCall {
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
    ...inputBindings(s),
    { name: 'O', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'lse', dtype: 'float32', access: 'read' },
    { name: 'dO', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'delta', dtype: 'float32', access: 'read_write' },
    { name: 'dQ', dtype: s.dtype, access: 'read_write', rowArray: true },
  ];
}

function dkvBindings(s: AttentionSpec): AttentionBinding[] {
  return [
    ...inputBindings(s),
    { name: 'lse', dtype: 'float32', access: 'read' },
    { name: 'dO', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'delta', dtype: 'float32', access: 'read' },
    { name: 'dK', dtype: s.dtype, access: 'read_write', rowArray: true },
    { name: 'dV', dtype: s.dtype, access: 'read_write', rowArray: true },
  ];
}

function dqBody(s: AttentionSpec): string {
  const nv = vecs(s.d);
  const R = s.rowsPerLane;
  const dp = (t: number) => (s.dropout ? `select(0.0, dz${t} * p.dscale, ${keep(`ctr${t} + r`)})` : `dz${t}`);
  const { loop, text, rows } = lanePrologue(s, 'q', (t) => `  let ctr${t} = row${t} * p.tk;
${each(nv, (c) => `  let g${t}_${c} = ${chunk('dO', `row${t}`, c, s)};`)}
  let di${t} = ${sumOf(nv, (c) => `dot(g${t}_${c}, ${chunk('O', `row${t}`, c, s)})`)};
  let shift${t} = lse[2u * row${t}];
  let logL${t} = lse[2u * row${t} + 1u];
${each(nv, (c) => `  var acc${t}_${c} = vec4<f32>();`)}`);
  const K = (c: number) => loop.elem('a', c);
  return `${text}
${loop.open}
${dotRows(s, 'qk', R, (t, c) => `x${t}_${c}`, K)}
${dotRows(s, 'dz', R, (t, c) => `g${t}_${c}`, (c) => loop.elem('b', c))}
${s.masked ? '    let bias_r = bias[biasBase + r];' : ''}
${rows((t) => `    let pr${t} = exp((qk${t}${s.masked ? ' + bias_r' : ''} - shift${t}) - logL${t});
    let ds${t} = pr${t} * (${dp(t)} - di${t});`)}
${accumulateRows(s, R, (t) => `ds${t}`, (t, c) => `acc${t}_${c}`, K)}
${loop.close}
${rows((t) => `  if (i${t} < p.tq) {
${storeRow('dQ', `row${t}`, `acc${t}_`, ' * p.scale', s)}
    delta[row${t}] = di${t};
  }`)}
}
`;
}

function dkvBody(s: AttentionSpec): string {
  const nv = vecs(s.d);
  const R = s.rowsPerLane;
  const drop = (t: number) =>
    s.dropout
      ? `    let kept${t} = ${keep(`ctrCol${t} + r * p.tk`)};
    let z${t} = select(0.0, pr${t} * p.dscale, kept${t});
    let dp${t} = select(0.0, dz${t} * p.dscale, kept${t});`
      : `    let z${t} = pr${t};
    let dp${t} = dz${t};`;
  const { loop, text, rows } = lanePrologue(s, 'k', (t) => `  // Dropout counter of element (query otherBase + r, key at) is (otherBase + r)·Tk + at.
  let ctrCol${t} = otherBase * p.tk + at${t};
  let bj${t} = ${s.masked ? `bias[biasBase + at${t}]` : '0.0'};
${each(nv, (c) => `  let v${t}_${c} = ${chunk('V', `row${t}`, c, s)};`)}
${each(nv, (c) => `  var dk${t}_${c} = vec4<f32>();\n  var dv${t}_${c} = vec4<f32>();`)}`);
  const Q = (c: number) => loop.elem('a', c);
  const G = (c: number) => loop.elem('b', c);
  return `${text}
${loop.open}
    let qi = otherBase + r;
    let shift = lse[2u * qi];
    let logL = lse[2u * qi + 1u];
    let di = delta[qi];
${dotRows(s, 'qk', R, (t, c) => `x${t}_${c}`, Q)}
${dotRows(s, 'dz', R, (t, c) => `v${t}_${c}`, G)}
${rows((t) => `    let pr${t} = exp((qk${t} + bj${t} - shift) - logL);
${drop(t)}
    let ds${t} = pr${t} * (dp${t} - di);`)}
${accumulateRows(s, R, (t) => `z${t}`, (t, c) => `dv${t}_${c}`, G, 'gx')}
${accumulateRows(s, R, (t) => `ds${t}`, (t, c) => `dk${t}_${c}`, Q, 'qx')}
${loop.close}
${rows((t) => `  if (i${t} < p.tk) {
${storeRow('dK', `row${t}`, `dk${t}_`, ' * p.scale', s)}
${storeRow('dV', `row${t}`, `dv${t}_`, '', s)}
  }`)}
}
`;
}

export function runAttentionBackward(rt: Runtime, s: AttentionSpec, dims: AttentionDims, c: AttentionBackwardCall): void {
  if (dims.bh === 0) return;
  const bias = s.masked && c.bias ? [c.bias] : [];
  if (dims.tq > 0) {
    const kernel = fusedKernel('dq', s, dqBindings(s), () => dqBody(s));
    dispatchRows(rt, kernel, [c.q, c.k, c.v, ...bias, c.out, c.lse, c.g, c.delta, c.dq], s, dims, dims.tq);
  }
  if (dims.tk > 0) {
    const kernel = fusedKernel('dkv', s, dkvBindings(s), () => dkvBody(s));
    dispatchRows(rt, kernel, [c.q, c.k, c.v, ...bias, c.lse, c.g, c.delta, c.dk, c.dv], s, dims, dims.tk);
  }
}
