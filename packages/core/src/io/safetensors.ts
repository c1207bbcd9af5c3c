/**
 * The safetensors format (https://github.com/huggingface/safetensors), read and
 * written as pure functions over bytes so it runs in browsers as well as Node.
 *
 * Layout: an 8-byte little-endian u64 N, N bytes of UTF-8 JSON header, then the
 * data section. The header maps each tensor name to
 * `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to the data
 * section) plus an optional `__metadata__` string→string map.
 *
 * The reader treats files as hostile and checks what the reference Rust reader
 * checks: header size ≤ 100 MB and inside the file, UTF-8 JSON object starting
 * with `{`, known dtypes, exact byte sizes, and tensors that tile the data
 * section exactly (sorted by offset, no overlap, no hole, nothing after the
 * last tensor). It also rejects duplicate JSON keys, which a plain JSON.parse
 * would silently resolve to the last one.
 *
 * The writer produces the same bytes as the reference writer
 * (`safetensors.torch.save_file`): compact JSON, `__metadata__` first, header
 * padded with spaces to a multiple of 8, tensors ordered by decreasing dtype
 * alignment and then by name. The order depends only on the tensors, never on
 * the order they were given in, so load → save → load is bit-identical.
 */
import {
  bfloat16BitsToFloat32Array,
  bfloat16ToFloat32,
  float16BitsToFloat32Array,
  float16ToFloat32,
} from './half.js';
import { SafetensorsError } from './safetensors-error.js';

export { SafetensorsError } from './safetensors-error.js';

/** Element types of the format (the byte-sized and larger ones). */
export type SafetensorsDtype =
  | 'BOOL' | 'U8' | 'I8' | 'F8_E5M2' | 'F8_E4M3' | 'I16' | 'U16' | 'F16' | 'BF16'
  | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

// `rank` is the position in the reference implementation's Dtype enum, which
// is ordered by alignment; its writer sorts by descending rank.
const DTYPES: Readonly<Record<SafetensorsDtype, { readonly size: number; readonly rank: number }>> = {
  BOOL: { size: 1, rank: 0 },
  U8: { size: 1, rank: 1 },
  I8: { size: 1, rank: 2 },
  F8_E5M2: { size: 1, rank: 3 },
  F8_E4M3: { size: 1, rank: 4 },
  I16: { size: 2, rank: 5 },
  U16: { size: 2, rank: 6 },
  F16: { size: 2, rank: 7 },
  BF16: { size: 2, rank: 8 },
  I32: { size: 4, rank: 9 },
  U32: { size: 4, rank: 10 },
  F32: { size: 4, rank: 11 },
  F64: { size: 8, rank: 12 },
  I64: { size: 8, rank: 13 },
  U64: { size: 8, rank: 14 },
};

/** The reference reader refuses headers above this size (a JSON-bomb guard). */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';

/** One tensor of a parsed file. `bytes` is a view into the file, not a copy. */
export interface SafetensorEntry {
  readonly name: string;
  /** Where the file came from (for error messages). */
  readonly source: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: number[];
  /** Little-endian, row-major element bytes; may be unaligned. */
  readonly bytes: Uint8Array;
}

export interface ParsedSafetensors {
  /** Tensors in data-section order (the order of their byte offsets). */
  readonly tensors: Map<string, SafetensorEntry>;
  readonly metadata: Record<string, string>;
}

/** Arrays the writer accepts; Uint8Array is raw bytes of any dtype. */
export type SafetensorsData = Float32Array | Int32Array | Float64Array | Uint8Array | Uint16Array;

export interface SafetensorsInput {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: SafetensorsData;
}

export function isSafetensorsDtype(dtype: string): dtype is SafetensorsDtype {
  return Object.prototype.hasOwnProperty.call(DTYPES, dtype);
}

/** Bytes per element of `dtype`. */
export function safetensorsDtypeSize(dtype: SafetensorsDtype): number {
  return DTYPES[dtype].size;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// The format is little-endian and typed arrays use the host's byte order;
// every host WebGPU runs on is little-endian, so refuse rather than byte-swap.
function assertLittleEndianHost(what: string): void {
  if (!LITTLE_ENDIAN) throw new SafetensorsError(`${what}: big-endian hosts are not supported`);
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/**
 * Parses and validates a whole safetensors file held in memory.
 * @param source names the file in error messages.
 */
export function parseSafetensors(bytes: Uint8Array, source = '<memory>'): ParsedSafetensors {
  if (bytes.length < 8) {
    throw new SafetensorsError(`${source}: file is ${bytes.length} bytes, shorter than the 8-byte header-length prefix`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(`${source}: header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const n = Number(headerLen);
  if (8 + n > bytes.length) {
    throw new SafetensorsError(`${source}: header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  }
  if (n === 0 || bytes[8] !== 0x7b) {
    throw new SafetensorsError(`${source}: header does not start with '{'`);
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorsError(`${source}: header is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(`${source}: header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) throw new SafetensorsError(`${source}: header is not a JSON object`);
  checkNoDuplicateKeys(text, source);

  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const metadata = readMetadata(header[METADATA_KEY], source);

  const infos: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    infos.push({ name, ...readTensorInfo(name, value, dataLen, source) });
  }

  // Tensors must tile the data section: this makes every byte belong to
  // exactly one tensor, so a file cannot alias tensors or hide a payload.
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = '';
  for (const info of infos) {
    if (info.begin < covered) {
      throw new SafetensorsError(
        `${source}: tensor "${info.name}" data_offsets [${info.begin}, ${info.end}] overlap tensor "${previous}" (which ends at ${covered})`,
      );
    }
    if (info.begin > covered) {
      throw new SafetensorsError(
        `${source}: data section has a hole: bytes [${covered}, ${info.begin}) before tensor "${info.name}" belong to no tensor`,
      );
    }
    covered = info.end;
    previous = info.name;
  }
  if (covered !== dataLen) {
    throw new SafetensorsError(
      `${source}: data section is ${dataLen} bytes but the tensors cover only ${covered}; ${dataLen - covered} trailing bytes belong to no tensor`,
    );
  }

  const tensors = new Map<string, SafetensorEntry>();
  for (const { name, dtype, shape, begin, end } of infos) {
    tensors.set(name, { name, source, dtype, shape, bytes: bytes.subarray(dataStart + begin, dataStart + end) });
  }
  return { tensors, metadata };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readMetadata(value: unknown, source: string): Record<string, string> {
  // The reference reader accepts a missing or null `__metadata__` alike.
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new SafetensorsError(`${source}: ${METADATA_KEY} is not a JSON object`);
  const pairs: [string, string][] = [];
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(`${source}: ${METADATA_KEY} value for "${key}" is ${describe(v)}, not a string`);
    }
    pairs.push([key, v]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(pairs);
}

function readTensorInfo(
  name: string,
  value: unknown,
  dataLen: number,
  source: string,
): { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number } {
  const where = `${source}: tensor "${name}"`;
  if (!isPlainObject(value)) throw new SafetensorsError(`${where}: header entry is ${describe(value)}, not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !isSafetensorsDtype(dtype)) {
    throw new SafetensorsError(`${where}: unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new SafetensorsError(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new SafetensorsError(`${where}: data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw new SafetensorsError(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLen) {
    throw new SafetensorsError(`${where}: data_offsets [${begin}, ${end}] run past the ${dataLen}-byte data section`);
  }
  const nbytes = byteLength(shape as number[], dtype, where);
  if (end - begin !== nbytes) {
    throw new SafetensorsError(
      `${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype}[${shape.join(', ')}] needs ${nbytes}`,
    );
  }
  return { dtype, shape: [...(shape as number[])], begin, end };
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Byte size of a tensor, refusing sizes that do not fit a safe integer. */
function byteLength(shape: readonly number[], dtype: SafetensorsDtype, where: string): number {
  if (shape.includes(0)) return 0;
  let n = DTYPES[dtype].size;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) throw new SafetensorsError(`${where}: ${dtype}[${shape.join(', ')}] is too large to address`);
  }
  return n;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * JSON.parse keeps the last of duplicate keys; the format forbids duplicates,
 * so re-scan the (already valid) JSON text and compare the keys of each object.
 */
function checkNoDuplicateKeys(text: string, source: string): void {
  const stack: (Set<string> | null)[] = []; // null marks an array
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push(new Set());
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const keys = stack[stack.length - 1];
      if (!keys) continue;
      let j = i + 1;
      while (j < text.length && ' \t\r\n'.includes(text[j])) j++;
      if (text[j] !== ':') continue; // a string value, not a key
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (keys.has(key)) {
        const what = stack.length === 1 ? 'tensor name' : 'key';
        throw new SafetensorsError(`${source}: duplicate ${what} "${key}" in header`);
      }
      keys.add(key);
    }
  }
}

// ---------------------------------------------------------------------------
// Converting entries to typed arrays (always fresh copies, owned by the caller)
// ---------------------------------------------------------------------------

// slice() copies into a new buffer at offset 0, which fixes any misalignment
// of the view (a tensor's offset in a file need not be a multiple of its size).
function alignedCopy(entry: SafetensorEntry): ArrayBuffer {
  assertLittleEndianHost(`${entry.source}: tensor "${entry.name}"`);
  return entry.bytes.slice().buffer;
}

function wrongDtype(entry: SafetensorEntry, fn: string, accepted: string): SafetensorsError {
  return new SafetensorsError(`${entry.source}: tensor "${entry.name}" has dtype ${entry.dtype}; ${fn} reads ${accepted}`);
}

/**
 * Float32 values of an F32, F64, F16 or BF16 tensor. F64 values are rounded to
 * nearest; a finite F64 value beyond the float32 range is an error rather than
 * a silent Infinity.
 */
export function toFloat32(entry: SafetensorEntry): Float32Array<ArrayBuffer> {
  switch (entry.dtype) {
    case 'F32':
      return new Float32Array(alignedCopy(entry));
    case 'F16':
      return float16BitsToFloat32Array(new Uint16Array(alignedCopy(entry)));
    case 'BF16':
      return bfloat16BitsToFloat32Array(new Uint16Array(alignedCopy(entry)));
    case 'F64': {
      const wide = new Float64Array(alignedCopy(entry));
      const out = new Float32Array(wide.length);
      for (let i = 0; i < wide.length; i++) {
        out[i] = wide[i];
        if (!Number.isFinite(out[i]) && Number.isFinite(wide[i])) {
          throw new SafetensorsError(
            `${entry.source}: tensor "${entry.name}" element ${i} (${wide[i]}) is outside the float32 range`,
          );
        }
      }
      return out;
    }
    default:
      throw wrongDtype(entry, 'toFloat32', 'F32, F64, F16 and BF16 (use toInt32 for integer tensors)');
  }
}

/** Float64 values of an F64, F32, F16 or BF16 tensor (exact: every one widens losslessly). */
export function toFloat64(entry: SafetensorEntry): Float64Array<ArrayBuffer> {
  switch (entry.dtype) {
    case 'F64':
      return new Float64Array(alignedCopy(entry));
    case 'F32':
      return Float64Array.from(new Float32Array(alignedCopy(entry)));
    case 'F16':
      return Float64Array.from(new Uint16Array(alignedCopy(entry)), float16ToFloat32);
    case 'BF16':
      return Float64Array.from(new Uint16Array(alignedCopy(entry)), bfloat16ToFloat32);
    default:
      throw wrongDtype(entry, 'toFloat64', 'F64, F32, F16 and BF16');
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Int32 values of an integer or BOOL tensor. Values outside the int32 range
 * (possible for U32, I64, U64) are an error naming the first such element.
 * BOOL bytes read as 0 or 1.
 */
export function toInt32(entry: SafetensorEntry): Int32Array<ArrayBuffer> {
  switch (entry.dtype) {
    case 'I32':
      return new Int32Array(alignedCopy(entry));
    case 'I8':
      return Int32Array.from(new Int8Array(alignedCopy(entry)));
    case 'U8':
      return Int32Array.from(entry.bytes);
    case 'BOOL':
      return Int32Array.from(entry.bytes, (b) => (b !== 0 ? 1 : 0));
    case 'I16':
      return Int32Array.from(new Int16Array(alignedCopy(entry)));
    case 'U16':
      return Int32Array.from(new Uint16Array(alignedCopy(entry)));
    case 'U32':
      return checkedInt32(entry, new Uint32Array(alignedCopy(entry)), (x) => x);
    case 'I64':
      return checkedInt32(entry, new BigInt64Array(alignedCopy(entry)), Number);
    case 'U64':
      return checkedInt32(entry, new BigUint64Array(alignedCopy(entry)), Number);
    default:
      throw wrongDtype(entry, 'toInt32', 'integer and BOOL tensors (use toFloat32 for floating-point ones)');
  }
}

function checkedInt32<T extends number | bigint>(
  entry: SafetensorEntry,
  values: ArrayLike<T>,
  toNumber: (x: T) => number,
): Int32Array<ArrayBuffer> {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = toNumber(values[i]);
    if (x < INT32_MIN || x > INT32_MAX) {
      throw new SafetensorsError(
        `${entry.source}: tensor "${entry.name}" (${entry.dtype}) element ${i} = ${values[i]} does not fit in int32`,
      );
    }
    out[i] = x;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/**
 * Serializes tensors (and optional string metadata) to safetensors bytes.
 *
 * `data` is a Float32Array for F32, Float64Array for F64, Int32Array for I32,
 * Uint16Array holding raw bits for 2-byte dtypes (F16, BF16, I16, U16), or a
 * Uint8Array holding the raw little-endian bytes of any dtype (so a parsed
 * entry's `bytes` can be written back unchanged). Empty metadata is omitted.
 */
export function serializeSafetensors(
  entries: Iterable<readonly [string, SafetensorsInput]>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const tensors: { name: string; nameBytes: Uint8Array; dtype: SafetensorsDtype; shape: number[]; data: Uint8Array }[] = [];
  const seen = new Set<string>();
  for (const [name, input] of entries) {
    const where = `serializeSafetensors: tensor "${name}"`;
    if (name === METADATA_KEY) throw new SafetensorsError(`${where}: the name is reserved for metadata`);
    if (seen.has(name)) throw new SafetensorsError(`${where}: given twice`);
    seen.add(name);
    tensors.push({ name, nameBytes: encoder.encode(name), ...checkInput(input, where) });
  }

  // Reference order: descending dtype alignment rank, then name by UTF-8 bytes.
  tensors.sort((a, b) => DTYPES[b.dtype].rank - DTYPES[a.dtype].rank || compareBytes(a.nameBytes, b.nameBytes));

  const parts: string[] = [];
  // Sorted (by UTF-8 bytes, like Python's sorted()) so the bytes never depend
  // on property order; the reference writer's order is a HashMap's, i.e. none.
  const metaKeys = metadata
    ? Object.keys(metadata).sort((a, b) => compareBytes(encoder.encode(a), encoder.encode(b)))
    : [];
  if (metadata && metaKeys.length > 0) {
    for (const key of metaKeys) {
      if (typeof metadata[key] !== 'string') {
        throw new SafetensorsError(`serializeSafetensors: metadata value for "${key}" is ${describe(metadata[key])}, not a string`);
      }
    }
    const body = metaKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',');
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${body}}`);
  }
  let offset = 0;
  for (const t of tensors) {
    const info = `{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + t.data.length}]}`;
    parts.push(`${JSON.stringify(t.name)}:${info}`);
    offset += t.data.length;
  }
  const json = encoder.encode(`{${parts.join(',')}}`);
  // Spaces pad the header to a multiple of 8 so the data section, and with the
  // alignment-sorted order every tensor in it, starts aligned to its element size.
  const headerLen = Math.ceil(json.length / 8) * 8;
  if (headerLen > MAX_HEADER_BYTES) {
    throw new SafetensorsError(`serializeSafetensors: header of ${headerLen} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }

  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let at = 8 + headerLen;
  for (const t of tensors) {
    out.set(t.data, at);
    at += t.data.length;
  }
  return out;
}

function checkInput(input: SafetensorsInput, where: string): { dtype: SafetensorsDtype; shape: number[]; data: Uint8Array } {
  const { dtype, shape, data } = input;
  if (typeof dtype !== 'string' || !isSafetensorsDtype(dtype)) {
    throw new SafetensorsError(`${where}: unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new SafetensorsError(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  const nbytes = byteLength(shape, dtype, where);
  const size = DTYPES[dtype].size;
  const accepted =
    data instanceof Uint8Array ||
    (data instanceof Float32Array && dtype === 'F32') ||
    (data instanceof Float64Array && dtype === 'F64') ||
    (data instanceof Int32Array && dtype === 'I32') ||
    (data instanceof Uint16Array && size === 2);
  if (!accepted) {
    throw new SafetensorsError(
      `${where}: ${data?.constructor?.name ?? describe(data)} cannot hold ${dtype} data (use a Uint8Array of raw bytes)`,
    );
  }
  if (data.byteLength !== nbytes) {
    throw new SafetensorsError(
      `${where}: ${dtype}[${shape.join(', ')}] needs ${nbytes} bytes but the data has ${data.byteLength}`,
    );
  }
  if (!(data instanceof Uint8Array)) assertLittleEndianHost(where);
  return { dtype, shape: [...shape], data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
