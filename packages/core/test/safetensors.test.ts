import { describe, expect, test } from 'vitest';
import {
  MAX_HEADER_BYTES,
  parseSafetensors,
  SafetensorsError,
  serializeSafetensors,
  toFloat32,
  toFloat64,
  toInt32,
  type SafetensorEntry,
  type SafetensorsInput,
} from '../src/io/safetensors.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u64(n: bigint | number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A file from a raw header string (no padding) and a data section. */
function fileFrom(header: string | object, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = utf8(typeof header === 'string' ? header : JSON.stringify(header));
  return concat(u64(json.length), json, data);
}

function parseError(bytes: Uint8Array): string {
  try {
    parseSafetensors(bytes, 'bad.safetensors');
  } catch (e) {
    // Every refusal is the format's own error, never a RangeError or TypeError from inside.
    expect(e).toBeInstanceOf(SafetensorsError);
    return (e as Error).message;
  }
  throw new Error('expected parseSafetensors to throw');
}

describe('serializeSafetensors', () => {
  test('matches the reference writer byte for byte (cases from safetensors/src/tensor.rs)', () => {
    const data = new Float32Array([0, 1, 2, 3, 4, 5]);
    // 64-byte header: already a multiple of 8, so no padding.
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64);
    expect(serializeSafetensors([['attn.0', { dtype: 'F32', shape: [1, 2, 3], data }]])).toEqual(
      concat(u64(64), utf8(header), bytesOf(data)),
    );
    // 65 bytes of JSON: padded with 7 spaces to 72.
    const header2 = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(serializeSafetensors([['attn0', { dtype: 'F32', shape: [1, 1, 2, 3], data }]])).toEqual(
      concat(u64(72), utf8(header2 + ' '.repeat(7)), bytesOf(data)),
    );
    expect(serializeSafetensors([])).toEqual(concat(u64(8), utf8('{}      ')));
    expect(serializeSafetensors([], { framework: 'pt' })).toEqual(
      concat(u64(40), utf8('{"__metadata__":{"framework":"pt"}}     ')),
    );
  });

  test('orders tensors by decreasing alignment then name, whatever the input order', () => {
    const tensors: [string, SafetensorsInput][] = [
      ['h', { dtype: 'F16', shape: [3], data: new Uint16Array([0x3c00, 0x4000, 0x4200]) }],
      ['b', { dtype: 'F32', shape: [1], data: new Float32Array([1]) }],
      ['m', { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) }],
      ['a', { dtype: 'F32', shape: [2], data: new Float32Array([2, 3]) }],
      ['z', { dtype: 'F64', shape: [1], data: new Float64Array([4]) }],
    ];
    const forward = serializeSafetensors(tensors);
    expect(serializeSafetensors([...tensors].reverse())).toEqual(forward);
    const parsed = parseSafetensors(forward);
    expect([...parsed.tensors.keys()]).toEqual(['z', 'a', 'b', 'h', 'm']);
    // Every tensor starts at a file offset that is a multiple of its element size.
    for (const e of parsed.tensors.values()) {
      const size = e.dtype === 'F64' ? 8 : e.dtype === 'F32' ? 4 : e.dtype === 'F16' ? 2 : 1;
      expect(e.bytes.byteOffset % size).toBe(0);
    }
  });

  test('round-trips every kind of input, and load → save is the identity', () => {
    const i64 = new BigInt64Array([-3n, 7n]);
    const input = new Map<string, SafetensorsInput>([
      ['f32', { dtype: 'F32', shape: [2, 2], data: new Float32Array([1.5, -2, 1e-30, 3e38]) }],
      ['f64', { dtype: 'F64', shape: [3], data: new Float64Array([Math.PI, -0, 1e300]) }],
      ['i32', { dtype: 'I32', shape: [2], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1]) }],
      ['f16', { dtype: 'F16', shape: [2], data: new Uint16Array([0x3c00, 0xc000]) }],
      ['bf16', { dtype: 'BF16', shape: [1, 1], data: new Uint16Array([0x3f80]) }],
      ['i64', { dtype: 'I64', shape: [2], data: bytesOf(i64) }],
      ['mask', { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) }],
      ['scalar', { dtype: 'F32', shape: [], data: new Float32Array([42]) }],
      ['empty', { dtype: 'F32', shape: [0, 5], data: new Float32Array(0) }],
    ]);
    const bytes = serializeSafetensors(input, { format: 'pt', note: 'ünïcode ✓' });
    const parsed = parseSafetensors(bytes);
    expect(parsed.metadata).toEqual({ format: 'pt', note: 'ünïcode ✓' });
    expect(parsed.tensors.size).toBe(input.size);
    for (const [name, { dtype, shape, data }] of input) {
      const e = parsed.tensors.get(name)!;
      expect(e.name).toBe(name);
      expect(e.dtype).toBe(dtype);
      expect(e.shape).toEqual(shape);
      expect(e.bytes).toEqual(bytesOf(data));
    }
    expect(Array.from(toFloat32(parsed.tensors.get('f32')!))).toEqual([1.5, -2, Math.fround(1e-30), Math.fround(3e38)]);
    expect(Array.from(toFloat64(parsed.tensors.get('f64')!))).toEqual([Math.PI, -0, 1e300]);
    expect(Array.from(toFloat32(parsed.tensors.get('f16')!))).toEqual([1, -2]);
    expect(Array.from(toFloat32(parsed.tensors.get('bf16')!))).toEqual([1]);
    expect(Array.from(toInt32(parsed.tensors.get('i64')!))).toEqual([-3, 7]);
    expect(Array.from(toInt32(parsed.tensors.get('mask')!))).toEqual([1, 0, 1]);
    expect(Array.from(toFloat32(parsed.tensors.get('scalar')!))).toEqual([42]);
    expect(toFloat32(parsed.tensors.get('empty')!).length).toBe(0);

    const again = serializeSafetensors(
      [...parsed.tensors].map(([n, e]) => [n, { dtype: e.dtype, shape: e.shape, data: e.bytes }] as const),
      parsed.metadata,
    );
    expect(again).toEqual(bytes);
  });

  test('rejects inconsistent input, naming the tensor', () => {
    const bad = (name: string, input: SafetensorsInput) => () => serializeSafetensors([[name, input]]);
    expect(bad('w', { dtype: 'F16', shape: [2], data: new Float32Array(2) })).toThrow(
      /tensor "w": Float32Array cannot hold F16/,
    );
    expect(bad('w', { dtype: 'F32', shape: [2, 3], data: new Float32Array(5) })).toThrow(
      /tensor "w": F32\[2, 3\] needs 24 bytes but the data has 20/,
    );
    expect(bad('w', { dtype: 'F32', shape: [-1], data: new Float32Array(0) })).toThrow(/tensor "w": shape \[-1\]/);
    expect(bad('__metadata__', { dtype: 'U8', shape: [0], data: new Uint8Array(0) })).toThrow(/reserved/);
    const one = { dtype: 'U8', shape: [1], data: new Uint8Array(1) } as const;
    expect(() => serializeSafetensors([['x', one], ['x', one]])).toThrow(/tensor "x": given twice/);
    expect(() => serializeSafetensors([], { n: 3 as unknown as string })).toThrow(/metadata value for "n"/);
  });
});

describe('parseSafetensors', () => {
  test('reads a hand-built file without padding: unaligned views are copied correctly', () => {
    const f32 = new Float32Array([1.25, -7]);
    const f64 = new Float64Array([0.1]);
    const header = {
      b: { dtype: 'F64', shape: [1], data_offsets: [8, 16] },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    };
    const file = fileFrom(header, concat(bytesOf(f32), bytesOf(f64)));
    // Put the file at an odd offset inside a larger buffer as well.
    const host = new Uint8Array(file.length + 3);
    host.set(file, 3);
    for (const bytes of [file, host.subarray(3)]) {
      const { tensors, metadata } = parseSafetensors(bytes);
      expect(metadata).toEqual({});
      expect([...tensors.keys()]).toEqual(['a', 'b']); // data order, not header order
      expect(Array.from(toFloat32(tensors.get('a')!))).toEqual([1.25, -7]);
      expect(Array.from(toFloat64(tensors.get('b')!))).toEqual([0.1]);
      expect(Array.from(toFloat32(tensors.get('b')!))).toEqual([Math.fround(0.1)]);
    }
  });

  test('entry bytes are views into the file, not copies', () => {
    const file = serializeSafetensors([['x', { dtype: 'U8', shape: [2], data: new Uint8Array([5, 6]) }]]);
    const e = parseSafetensors(file).tensors.get('x')!;
    expect(e.bytes.buffer).toBe(file.buffer);
    expect(e.source).toBe('<memory>');
  });

  const t = (dtype: unknown, shape: unknown, data_offsets: unknown) => ({ dtype, shape, data_offsets });

  test.each<[string, () => Uint8Array, RegExp]>([
    ['a file shorter than 8 bytes', () => new Uint8Array(5), /bad\.safetensors: file is 5 bytes, shorter than the 8-byte/],
    ['a header over 100 MB', () => concat(u64(MAX_HEADER_BYTES + 1), utf8('{}')), /header length 100000001 exceeds the 100000000-byte limit/],
    ['a 2^64-1 header length', () => concat(u64(2n ** 64n - 1n), utf8('{}')), /exceeds the 100000000-byte limit/],
    ['a 2^60 header length', () => concat(u64(2n ** 60n), utf8('{}')), /header length 1152921504606846976 exceeds the 100000000-byte limit/],
    ['a tensor claiming 2^60 bytes', () => fileFrom({ w: t('U8', [2 ** 30, 2 ** 30], [0, 2 ** 60]) }, new Uint8Array(8)), /tensor "w": data_offsets \[0,1152921504606847000\] is not a pair of non-negative integers/],
    ['a tensor claiming 2^50 bytes', () => fileFrom({ w: t('U8', [2 ** 25, 2 ** 25], [0, 2 ** 50]) }, new Uint8Array(8)), /tensor "w": data_offsets \[0, 1125899906842624\] run past the 8-byte data section/],
    ['a header past the end of the file', () => concat(u64(50), utf8('{}')), /header length 50 runs past the end of the file \(10 bytes\)/],
    ['an empty header', () => u64(0), /header does not start with '\{'/],
    ['a header not starting with {', () => fileFrom(' {}'), /header does not start with '\{'/],
    ['a JSON array header', () => fileFrom('[]'), /header does not start with '\{'/],
    ['invalid UTF-8', () => concat(u64(6), utf8('{"'), new Uint8Array([0xff, 0xfe]), utf8('":')), /header is not valid UTF-8/],
    ['invalid JSON', () => fileFrom('{"a": }'), /header is not valid JSON/],
    ['non-string metadata', () => fileFrom({ __metadata__: { n: 1 } }), /__metadata__ value for "n" is a number, not a string/],
    ['array metadata', () => fileFrom({ __metadata__: ['x'] }), /__metadata__ is not a JSON object/],
    ['an entry that is not an object', () => fileFrom({ w: 3 }), /tensor "w": header entry is a number, not an object/],
    ['an unknown dtype', () => fileFrom({ w: t('F128', [1], [0, 0]) }), /tensor "w": unknown dtype "F128" \(known: BOOL, U8/],
    ['a missing dtype', () => fileFrom({ w: { shape: [1], data_offsets: [0, 4] } }), /tensor "w": unknown dtype undefined/],
    ['a negative dimension', () => fileFrom({ w: t('F32', [-1], [0, 0]) }), /tensor "w": shape \[-1\] is not a list of non-negative integers/],
    ['a fractional dimension', () => fileFrom({ w: t('F32', [1.5], [0, 0]) }), /tensor "w": shape \[1.5\]/],
    ['a string dimension', () => fileFrom({ w: t('F32', ['2'], [0, 8]) }), /tensor "w": shape \["2"\]/],
    ['a missing shape', () => fileFrom({ w: { dtype: 'F32', data_offsets: [0, 0] } }), /tensor "w": shape undefined/],
    ['three offsets', () => fileFrom({ w: t('F32', [1], [0, 4, 8]) }, new Uint8Array(8)), /tensor "w": data_offsets \[0,4,8\] is not a pair/],
    ['negative offsets', () => fileFrom({ w: t('F32', [1], [-4, 0]) }), /tensor "w": data_offsets \[-4,0\] is not a pair/],
    ['offsets ending before they begin', () => fileFrom({ w: t('U8', [0], [4, 0]) }, new Uint8Array(4)), /tensor "w": data_offsets \[4, 0\] end before they begin/],
    ['offsets past the data section', () => fileFrom({ w: t('F32', [2], [0, 8]) }, new Uint8Array(4)), /tensor "w": data_offsets \[0, 8\] run past the 4-byte data section/],
    ['a size that does not match shape and dtype', () => fileFrom({ w: t('F32', [3], [0, 8]) }, new Uint8Array(8)), /tensor "w": data_offsets \[0, 8\] span 8 bytes but F32\[3\] needs 12/],
    ['a shape too large to address', () => fileFrom({ w: t('F64', [2 ** 30, 2 ** 30, 2 ** 30], [0, 8]) }, new Uint8Array(8)), /tensor "w": F64\[1073741824, 1073741824, 1073741824\] is too large/],
    ['overlapping tensors', () => fileFrom({ a: t('F32', [2], [0, 8]), b: t('F32', [2], [4, 12]) }, new Uint8Array(12)), /tensor "b" data_offsets \[4, 12\] overlap tensor "a"/],
    ['two tensors on the same bytes', () => fileFrom({ a: t('F32', [1], [0, 4]), b: t('F32', [1], [0, 4]) }, new Uint8Array(4)), /tensor "b" data_offsets \[0, 4\] overlap tensor "a"/],
    ['a hole between tensors', () => fileFrom({ a: t('F32', [1], [0, 4]), b: t('F32', [1], [8, 12]) }, new Uint8Array(12)), /hole: bytes \[4, 8\) before tensor "b"/],
    ['a hole at the start', () => fileFrom({ a: t('F32', [1], [4, 8]) }, new Uint8Array(8)), /hole: bytes \[0, 4\) before tensor "a"/],
    ['trailing bytes after the last tensor', () => fileFrom({ a: t('F32', [1], [0, 4]) }, new Uint8Array(6)), /data section is 6 bytes but the tensors cover only 4; 2 trailing bytes/],
    ['a duplicate tensor name', () => fileFrom('{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}, "w" :{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', new Uint8Array(2)), /duplicate tensor name "w"/],
    ['a duplicate escaped tensor name', () => fileFrom('{"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"\\u0077":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}'), /duplicate tensor name "w"/],
    ['a duplicate metadata key', () => fileFrom('{"__metadata__":{"k":"1","k":"2"}}'), /duplicate key "k"/],
    ['a duplicate field in an entry', () => fileFrom('{"w":{"dtype":"U8","dtype":"F32","shape":[0],"data_offsets":[0,0]}}'), /duplicate key "dtype"/],
  ])('rejects %s', (_what, make, message) => {
    const msg = parseError(make());
    expect(msg).toMatch(/^bad\.safetensors: /);
    expect(msg).toMatch(message);
  });

  test('accepts what the format allows: empty tensors, scalars, null metadata, padded headers, odd names', () => {
    const header =
      '{"__metadata__":null,"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},' +
      '"s":{"dtype":"I32","shape":[],"data_offsets":[0,4]},"a \\"quoted\\" {name}: [x]":{"dtype":"U8","shape":[1],"data_offsets":[4,5]}}   ';
    const { tensors, metadata } = parseSafetensors(fileFrom(header, new Uint8Array([7, 0, 0, 0, 9])));
    expect(metadata).toEqual({});
    expect(tensors.get('e')!.shape).toEqual([0]);
    expect(Array.from(toInt32(tensors.get('s')!))).toEqual([7]);
    expect(Array.from(toInt32(tensors.get('a "quoted" {name}: [x]')!))).toEqual([9]);
  });

  test('a "__proto__" metadata key stays plain data', () => {
    const { metadata } = parseSafetensors(fileFrom('{"__metadata__":{"__proto__":"x"}}'));
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.entries(metadata)).toEqual([['__proto__', 'x']]);
  });
});

describe('typed-array conversion', () => {
  const entry = (dtype: SafetensorEntry['dtype'], data: ArrayBufferView, shape = [data.byteLength]): SafetensorEntry => ({
    name: 'w',
    source: 'm.safetensors',
    dtype,
    shape,
    bytes: bytesOf(data),
  });

  test('toInt32 widens small integers and range-checks wide ones', () => {
    expect(Array.from(toInt32(entry('I8', new Int8Array([-128, 127]))))).toEqual([-128, 127]);
    expect(Array.from(toInt32(entry('U8', new Uint8Array([0, 255]))))).toEqual([0, 255]);
    expect(Array.from(toInt32(entry('I16', new Int16Array([-32768, 5]))))).toEqual([-32768, 5]);
    expect(Array.from(toInt32(entry('U16', new Uint16Array([65535]))))).toEqual([65535]);
    expect(Array.from(toInt32(entry('U32', new Uint32Array([2 ** 31 - 1]))))).toEqual([2 ** 31 - 1]);
    expect(Array.from(toInt32(entry('I64', new BigInt64Array([-(2n ** 31n), 2n ** 31n - 1n]))))).toEqual([
      -(2 ** 31),
      2 ** 31 - 1,
    ]);
    expect(Array.from(toInt32(entry('U64', new BigUint64Array([12n]))))).toEqual([12]);
    expect(() => toInt32(entry('U32', new Uint32Array([1, 2 ** 31])))).toThrow(
      /m\.safetensors: tensor "w" \(U32\) element 1 = 2147483648 does not fit in int32/,
    );
    expect(() => toInt32(entry('I64', new BigInt64Array([0n, 0n, -(2n ** 31n) - 1n])))).toThrow(
      /tensor "w" \(I64\) element 2 = -2147483649 does not fit/,
    );
    expect(() => toInt32(entry('U64', new BigUint64Array([2n ** 64n - 1n])))).toThrow(/does not fit in int32/);
  });

  test('conversions refuse the wrong kind of dtype, naming the tensor', () => {
    expect(() => toFloat32(entry('I32', new Int32Array(1)))).toThrow(
      /m\.safetensors: tensor "w" has dtype I32; toFloat32 reads F32, F64, F16 and BF16 \(use toInt32/,
    );
    expect(() => toInt32(entry('F32', new Float32Array(1)))).toThrow(/tensor "w" has dtype F32; toInt32 reads integer/);
    expect(() => toFloat64(entry('U8', new Uint8Array(1)))).toThrow(/tensor "w" has dtype U8; toFloat64/);
  });

  test('toFloat32 refuses F64 values beyond the float32 range but keeps infinities and NaN', () => {
    expect(() => toFloat32(entry('F64', new Float64Array([1, -1e39])))).toThrow(
      /tensor "w" element 1 \(-1e\+39\) is outside the float32 range/,
    );
    const kept = toFloat32(entry('F64', new Float64Array([Infinity, NaN, 1e-50])));
    expect(kept[0]).toBe(Infinity);
    expect(kept[1]).toBeNaN();
    expect(kept[2]).toBe(0);
  });

  test('results are fresh arrays: writing to them leaves the file alone', () => {
    const data = new Float32Array([1, 2]);
    const out = toFloat32(entry('F32', data));
    out[0] = 99;
    expect(data[0]).toBe(1);
  });
});
