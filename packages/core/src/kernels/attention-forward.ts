import type { BufferRange } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import {
  NEG_SCORE, RESCALE_SLACK, accumulateRows, dotRows, dispatchRows, each, keep, storeRow, vecs,
  type AttentionBinding, type AttentionDims, type AttentionSpec,
} from './attention-common.js';
import { fusedKernel, inputBindings, lanePrologue } from './attention-prologue.js';

/**
 * Fused attention forward, each lane owning `rowsPerLane` query rows:
 *   O = dropout(softmax(Q·Kᵀ·scale + bias)) · V
 * with an online softmax over the keys (running max m and sum l, rescaled
 * lazily — see RESCALE_SLACK). Saves per row only the log-sum-exp, as the
 * pair (m, log l): for a row whose every key is masked, m + log(l) would
 * round back to m (−1e30) and lose the 1/Tk.
 *
 * Dropout keeps element (b,h,i,j) when rng_u01(key, ((b·H+h)·Tq+i)·Tk+j) ≥ p,
 * the counter the dropout op gives that element of the [B,H,Tq,Tk]
 * probabilities, so the fused and composed paths drop the same entries.
 */
export interface AttentionForwardCall {
  q: BufferRange;
  k: BufferRange;
  v: BufferRange;
  /** [B, Tk] f32 key bias, when the spec is masked. */
  bias: BufferRange | null;
  out: BufferRange;
  /** [B·H·Tq, 2] f32: (max, log sum) per query row. */
  lse: BufferRange;
}

function body(s: AttentionSpec): string {
  const nv = vecs(s.d);
  const R = s.rowsPerLane;
  const weight = (t: number) => (s.dropout ? `select(0.0, e${t} * p.dscale, ${keep(`ctr${t} + r`)})` : `e${t}`);
  const { loop, text, rows } = lanePrologue(s, 'q', (t) => `  let ctr${t} = row${t} * p.tk;
${each(nv, (c) => `  var acc${t}_${c} = vec4<f32>();`)}
  var m${t} = ${NEG_SCORE};
  var l${t} = 0.0;`);
  return `${text}
${loop.open}
${dotRows(s, 'qk', R, (t, c) => `x${t}_${c}`, (c) => loop.elem('a', c))}
${s.masked ? '    let bias_r = bias[biasBase + r];' : ''}
${rows((t) => `    let sc${t} = qk${t}${s.masked ? ' + bias_r' : ''};
    if (sc${t} > m${t} + ${RESCALE_SLACK}) {
      let corr = exp(m${t} - sc${t});
      l${t} *= corr;
${each(nv, (c) => `      acc${t}_${c} *= corr;`)}
      m${t} = sc${t};
    }
    let e${t} = exp(sc${t} - m${t});
    l${t} += e${t};
    let w${t} = ${weight(t)};`)}
${accumulateRows(s, R, (t) => `w${t}`, (t, c) => `acc${t}_${c}`, (c) => loop.elem('b', c))}
${loop.close}
${rows((t) => `  if (i${t} < p.tq) {
    let inv = 1.0 / l${t};
${storeRow('O', `row${t}`, `acc${t}_`, ' * inv', s)}
    lse[2u * row${t}] = m${t};
    lse[2u * row${t} + 1u] = log(l${t});
  }`)}
}
`;
}

function forwardBindings(s: AttentionSpec): AttentionBinding[] {
  return [...inputBindings(s), { name: 'O', dtype: s.dtype, access: 'read_write', rowArray: true }, { name: 'lse', dtype: 'float32', access: 'read_write' }];
}

export function runAttentionForward(rt: Runtime, s: AttentionSpec, dims: AttentionDims, c: AttentionForwardCall): void {
  if (dims.bh === 0 || dims.tq === 0) return;
  const kernel = fusedKernel('fwd', s, forwardBindings(s), () => body(s));
  const buffers = [c.q, c.k, c.v, ...(s.masked && c.bias ? [c.bias] : []), c.out, c.lse];
  dispatchRows(rt, kernel, buffers, s, dims, dims.tq);
}
