import type { Kernel } from '../runtime/kernel.js';
import {
  attentionParams, chunk, each, entryPoint, moduleHeader, rowLoop, specKey, vecs,
  type AttentionBinding, type AttentionSpec, type RowLoop,
} from './attention-common.js';

/**
 * The start every fused attention kernel shares, generated once. Lanes own
 * `rowsPerLane` rows of one sequence — query rows ('q': the forward and dQ
 * kernels, looping over K and V) or key rows ('k': the dK/dV kernel, looping
 * over Q and dO) — and hold each row's vec4 chunks, times the score scale,
 * in registers. Per owned row t the prologue defines, in WGSL:
 *   i{t}    the row's index in its sequence (lanes past the end go on, clamped, and store nothing)
 *   at{t}   i{t} clamped to the last row
 *   row{t}  its global row (bh · length + at{t})
 *   x{t}_c  its chunks · p.scale
 * and `otherBase`, the first global row of the sequence the loop walks.
 */
export interface Prologue {
  /** The loop over the other sequence's rows (RowLoop.elem 'a' is K or Q, 'b' is V or dO). */
  loop: RowLoop;
  /** WGSL from the module-scope declarations through the per-row setup. */
  text: string;
  /** Statements repeated for each owned row t. */
  rows: (f: (t: number) => string) => string;
}

const SEQUENCES = {
  q: { own: 'Q', len: 'p.tq', other: ['K', 'V'], otherLen: 'p.tk' },
  k: { own: 'K', len: 'p.tk', other: ['Q', 'dO'], otherLen: 'p.tq' },
} as const;

/** The shared prologue; `perRow(t)` adds a kernel's own per-row setup after it. */
export function lanePrologue(s: AttentionSpec, own: 'q' | 'k', perRow: (t: number) => string): Prologue {
  const seq = SEQUENCES[own];
  const R = s.rowsPerLane;
  const rows = (f: (t: number) => string) => each(R, f);
  const loop = rowLoop(s, seq.other[0], seq.other[1], 'otherBase', seq.otherLen);
  const text = `${loop.decls}
${entryPoint(s)}
  let otherBase = bh * ${seq.otherLen};
${rows((t) => `  let i${t} = (wid.x * ${R}u + ${t}u) * ${s.lanes}u + lid;
  let at${t} = min(i${t}, ${seq.len} - 1u);
  let row${t} = bh * ${seq.len} + at${t};
${each(vecs(s.d), (c) => `  let x${t}_${c} = ${chunk(seq.own, `row${t}`, c, s)} * p.scale;`)}
${perRow(t)}`)}`;
  return { loop, text, rows };
}

/** The bindings every fused kernel starts with: Q, K, V, and the key bias when masked. */
export function inputBindings(s: AttentionSpec): AttentionBinding[] {
  return [
    { name: 'Q', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'K', dtype: s.dtype, access: 'read', rowArray: true },
    { name: 'V', dtype: s.dtype, access: 'read', rowArray: true },
    ...(s.masked ? [{ name: 'bias', dtype: 'float32' as const, access: 'read' as const }] : []),
  ];
}

/** A fused kernel named `name` (part of its key) over `bindings`, whose WGSL body `body()` makes. */
export function fusedKernel(name: string, s: AttentionSpec, bindings: readonly AttentionBinding[], body: () => string): Kernel {
  const params = attentionParams();
  return {
    key: specKey(name, s),
    params,
    storage: bindings.map((b) => b.access),
    source: () => {
      const text = body();
      return moduleHeader(s, params, bindings, text) + text;
    },
  };
}
