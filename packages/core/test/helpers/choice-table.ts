/**
 * What every chooser picks, per adapter class, over a grid of shapes that
 * spans each rule's thresholds and the shapes the benchmarks and op suite
 * use (BERT's 64/128/768/3072/30522, batches of heads, odd sizes). Summed up
 * per family as counts per choice plus a hash of the whole sequence, so a
 * committed fixture (fixtures/default-choices.json, made from main's
 * choosers before the device profile) pins the default profile's choices.
 * Adapters are plain objects: choosers read only these fields.
 */
import type { Runtime } from '@bamgpu/core';

export interface AdapterClass {
  name: string;
  isCPU: boolean;
  /** Smallest subgroup size; 0: no subgroups. */
  subgroupMin: number;
  maxTexture: number;
}

export const ADAPTER_CLASSES: AdapterClass[] = [
  { name: 'cpu, subgroups of 8 (lavapipe)', isCPU: true, subgroupMin: 8, maxTexture: 16384 },
  { name: 'cpu, subgroups of 4', isCPU: true, subgroupMin: 4, maxTexture: 16384 },
  { name: 'cpu, no subgroups (SwiftShader)', isCPU: true, subgroupMin: 0, maxTexture: 8192 },
  { name: 'gpu, subgroups of 32 (H100)', isCPU: false, subgroupMin: 32, maxTexture: 16384 },
  { name: 'gpu, no subgroups', isCPU: false, subgroupMin: 0, maxTexture: 8192 },
];

/** A stand-in Runtime: adapter, limits and device features; `extra` adds fields (the profile). */
export function fakeRuntime(c: AdapterClass, extra: object = {}): Runtime {
  const device = { features: new Set(c.subgroupMin ? ['subgroups'] : []), adapterInfo: { subgroupMinSize: c.subgroupMin } };
  const limits = { maxTextureDimension2D: c.maxTexture, maxComputeWorkgroupsPerDimension: 65535 };
  return { adapter: { isCPU: c.isCPU }, device, limits, ...extra } as unknown as Runtime;
}

export interface MatmulShape {
  batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean;
  dtype: 'float32' | 'float16'; strideA: number; strideB: number;
}

/** The choosers under comparison, as functions of a Runtime and a shape. */
export interface Choosers {
  matmul(rt: Runtime, s: MatmulShape): string;
  rows(rt: Runtime, n: number): string;
  reduce(rt: Runtime, nOut: number, nRed: number): string;
  attentionImpl(rt: Runtime, headDim: number, valueDim: number, keys: number): string;
  attentionKernel(rt: Runtime): string;
  vec4(rt: Runtime): boolean;
  splitkPartials(rt: Runtime): string;
  wait(rt: Runtime, bindingPolls: boolean): string;
}

const DIMS = [1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 31, 32, 33, 48, 64, 65, 96, 127, 128, 129, 256, 384, 512, 530, 700, 768, 1024, 2048, 3072, 4096, 30522];
/** [batch, A shared, B shared]: single, heads (12) sharing B, heads, batch × heads. */
const BATCHES: [number, boolean, boolean][] = [[1, false, false], [12, false, true], [12, false, false], [96, false, false]];

function* matmulShapes(): Generator<MatmulShape> {
  for (const [batch, shareA, shareB] of BATCHES)
    for (const m of DIMS)
      for (const n of DIMS)
        for (const k of DIMS)
          for (const dtype of ['float32', 'float16'] as const)
            for (let t = 0; t < 4; t++) {
              const transA = (t & 1) === 1;
              const transB = (t & 2) === 2;
              yield { batch, m, n, k, transA, transB, dtype, strideA: shareA ? 0 : m * k, strideB: shareB ? 0 : k * n };
            }
}

/** Counts per choice and an FNV-1a hash of the sequence of choices. */
export interface Summary {
  counts: Record<string, number>;
  hash: string;
}

function summarise(choices: Iterable<string>): Summary {
  const counts: Record<string, number> = {};
  let h = 2166136261;
  for (const c of choices) {
    counts[c] = (counts[c] ?? 0) + 1;
    for (let i = 0; i < c.length; i++) h = Math.imul(h ^ c.charCodeAt(i), 16777619);
    h = Math.imul(h ^ 0x7c, 16777619);
  }
  return { counts, hash: (h >>> 0).toString(16) };
}

function* map<T>(xs: Iterable<T>, f: (x: T) => string): Generator<string> {
  for (const x of xs) yield f(x);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const REDUCE_LENGTHS = [...DIMS, 0, 255, 257, 65535, 65536, 70001, 100000, 196608];

/** Per adapter class and family: what the choosers pick over the grid. */
export function choiceTable(ch: Choosers, makeRuntime: (c: AdapterClass) => Runtime): Record<string, Record<string, Summary>> {
  const out: Record<string, Record<string, Summary>> = {};
  for (const c of ADAPTER_CLASSES) {
    const rt = makeRuntime(c);
    out[c.name] = {
      matmul: summarise(map(matmulShapes(), (s) => ch.matmul(rt, s))),
      rows: summarise(map([...range(0, 4200), 30522], (n) => ch.rows(rt, n))),
      reduce: summarise(map(REDUCE_LENGTHS.flatMap((o) => REDUCE_LENGTHS.map((r) => [o, r] as const)), ([o, r]) => ch.reduce(rt, o, r))),
      attentionImpl: summarise(map(range(1, 260).flatMap((d) => [d, d - 1, 64].flatMap((dv) => [0, 1, 128, 512].map((t) => [d, dv, t] as const))), ([d, dv, t]) => ch.attentionImpl(rt, d, dv, t))),
      attentionKernel: summarise([ch.attentionKernel(rt)]),
      vec4: summarise([String(ch.vec4(rt))]),
      splitkPartials: summarise([ch.splitkPartials(rt)]),
      wait: summarise([ch.wait(rt, true), ch.wait(rt, false)]),
    };
  }
  return out;
}
