/**
 * Inputs for the fuzz targets: arbitrary bytes and text, and mutations of
 * valid files (truncations, bit flips, overwritten bytes, 32/64-bit length
 * fields set to huge values, repeated, deleted and inserted sections).
 * Positions are drawn as plain naturals and taken modulo the file's length,
 * so every mutation applies to every seed and shrinks towards the start.
 */
import { fc } from '@fast-check/vitest';

const HUGE = [2n ** 31n - 1n, 2n ** 32n - 1n, 2n ** 53n, 2n ** 60n, 2n ** 63n, 2n ** 64n - 1n];

/** Bytes that mean something to one of the formats: separators, quotes, brackets, opcodes, a BOM, invalid UTF-8. */
const TOKENS = [
  '\t', '\n', '\r', '\r\n', '"', '\\', '{', '}', '[', ']', ',', ':', 'null', 'true', '-1', '0', '1e308', '-0', '1.5',
  '9007199254740993', '4294967296', '\uFEFF', '\u0000', '\u00e9', '\u6771', '\ud83d\ude00', '[UNK]', '[CLS]', '[SEP]', '##',
].map((t) => new TextEncoder().encode(t)).concat([Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0x80, 0x05), Uint8Array.of(0x2e)]);

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'huge'; at: number; width: 4 | 8; value: bigint }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('huge' as const), at: fc.nat(), width: fc.constantFrom(4 as const, 8 as const), value: fc.constantFrom(...HUGE) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }), times: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.oneof(fc.constantFrom(...TOKENS), fc.uint8Array({ minLength: 1, maxLength: 16 })) }),
);

function apply(file: Uint8Array, m: Mutation): Uint8Array {
  const at = m.at % (file.length + 1);
  switch (m.kind) {
    case 'truncate':
      return file.slice(0, at);
    case 'flip':
    case 'set': {
      if (file.length === 0) return file;
      const out = file.slice();
      const i = m.at % file.length;
      out[i] = m.kind === 'flip' ? out[i] ^ (1 << m.bit) : m.value;
      return out;
    }
    case 'huge': {
      const out = file.slice();
      const view = new DataView(out.buffer);
      const i = Math.min(at, Math.max(0, out.length - m.width));
      if (out.length < m.width) return out;
      if (m.width === 8) view.setBigUint64(i, m.value, true);
      else view.setUint32(i, Number(m.value & 0xffffffffn), true);
      return out;
    }
    case 'repeat': {
      const section = file.subarray(at, at + m.length);
      const parts = [file.subarray(0, at + section.length), ...Array.from({ length: m.times }, () => section), file.subarray(at + section.length)];
      return concat(parts);
    }
    case 'delete':
      return concat([file.subarray(0, at), file.subarray(at + m.length)]);
    case 'insert':
      return concat([file.subarray(0, at), m.bytes, file.subarray(at)]);
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One to four mutations of one of the valid `seeds`. */
export function mutationsOf(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) throw new Error('mutationsOf needs at least one valid file');
  return fc
    .tuple(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([i, ms]) => ms.reduce(apply, seeds[i]));
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Arbitrary bytes, arbitrary text and arbitrary JSON, as bytes. */
export const anyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.string({ unit: 'binary', maxLength: 256 }).map(utf8),
  fc.json({ maxDepth: 4 }).map(utf8),
);

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Values a field of a JSON file is set to: wrong types, edge numbers, anything. */
const fieldValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom<JsonValue>(null, true, false, 0, -1, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 60, 1e21, '', 'x', '3', [], {}, [1, 2], ['a'], { a: 1 }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>,
);

/**
 * A valid JSON object with one to three of its fields (paths like
 * "mixer.cursors") set to other values or deleted, serialised.
 */
export function fieldMutationsOf(base: Record<string, unknown>, paths: readonly string[]): fc.Arbitrary<Uint8Array> {
  const edit = fc.record({ path: fc.constantFrom(...paths), value: fc.option(fieldValue, { nil: undefined }) });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const copy = structuredClone(base) as Record<string, unknown>;
    for (const { path, value } of edits) {
      const keys = path.split('.');
      let at: Record<string, unknown> = copy;
      for (const k of keys.slice(0, -1)) {
        const next = at[k];
        if (typeof next !== 'object' || next === null) break;
        at = next as Record<string, unknown>;
      }
      const last = keys[keys.length - 1];
      // A copy: the constant values are shared between cases and must never be edited in place.
      if (value === undefined) delete at[last];
      else at[last] = structuredClone(value);
    }
    return utf8(JSON.stringify(copy));
  });
}

/** A target's inputs: arbitrary bytes, mutations of valid files, and field edits where the format is JSON. */
export function inputsFrom(seeds: readonly Uint8Array[], fields?: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const arms = [
    { arbitrary: anyBytes, weight: 1 },
    { arbitrary: mutationsOf(seeds), weight: 3 },
    ...(fields ? [{ arbitrary: fields, weight: 2 }] : []),
  ];
  return fc.oneof(...arms);
}

/** Bytes as a Node file read with 'utf8' would give them (invalid sequences become U+FFFD). */
export const decodeText = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
