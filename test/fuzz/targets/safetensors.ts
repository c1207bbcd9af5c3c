import {
  SafetensorsError,
  parseSafetensors,
  safetensorsDtypeSize,
  serializeSafetensors,
  toFloat32,
  toFloat64,
  toInt32,
  type SafetensorEntry,
} from '../../../packages/core/src/io/safetensors.js';
import { expectValid, runCase, type FuzzTarget } from '../harness.js';
import { inputsFrom } from '../mutate.js';

const FILE = 'fuzz/model.safetensors';
const FLOATS = new Set(['F32', 'F64', 'F16', 'BF16']);

function seeds(): Uint8Array[] {
  const f32 = new Float32Array([1, -2.5, 3e-8, 65504, -0, 7]);
  return [
    serializeSafetensors([
      ['encoder.weight', { dtype: 'F32', shape: [2, 3], data: f32 }],
      ['half', { dtype: 'F16', shape: [4], data: new Uint16Array([0x3c00, 0x7bff, 0x8001, 0x7e00]) }],
      ['brain', { dtype: 'BF16', shape: [2], data: new Uint16Array([0x3f80, 0xff80]) }],
      ['ids', { dtype: 'I64', shape: [2], data: new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]) }],
      ['mask', { dtype: 'BOOL', shape: [], data: new Uint8Array([1]) }],
      ['empty', { dtype: 'U8', shape: [0, 4], data: new Uint8Array(0) }],
    ], { format: 'pt' }),
    serializeSafetensors([['w', { dtype: 'F64', shape: [1], data: new Float64Array([1e300]) }]]),
    serializeSafetensors([]),
  ];
}

/** Decodes a tensor the way the loaders do; each conversion either gives every element or refuses. */
function decode(entry: SafetensorEntry): number {
  if (FLOATS.has(entry.dtype)) {
    toFloat64(entry);
    return toFloat32(entry).length;
  }
  return toInt32(entry).length;
}

export const safetensorsTarget: FuzzTarget = {
  name: 'safetensors',
  input: inputsFrom(seeds()),
  check(bytes) {
    const out = runCase(bytes, { file: FILE, own: [SafetensorsError] }, () => {
      const parsed = parseSafetensors(bytes, FILE);
      const decoded = [...parsed.tensors.values()].map((e) => [e, decode(e)] as const);
      return { parsed, decoded };
    });
    if (!('value' in out)) return;
    let covered = 0;
    for (const [e, n] of out.value.decoded) {
      const numel = e.shape.reduce((a, d) => a * d, 1);
      expectValid(e.bytes.length === numel * safetensorsDtypeSize(e.dtype), `${FILE}: tensor "${e.name}" has ${e.bytes.length} bytes for ${e.dtype}[${e.shape}]`);
      expectValid(n === numel, `${FILE}: tensor "${e.name}" decoded to ${n} of ${numel} elements`);
      covered += e.bytes.length;
    }
    expectValid(covered <= bytes.length, `${FILE}: tensors cover ${covered} bytes of a ${bytes.length}-byte file`);
  },
};
