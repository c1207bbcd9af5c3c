/**
 * The only callables a pickle may name, by exact "module.name", and what each
 * is turned into. Nothing is imported, looked up or run: a name is a key into
 * the table below, whose entries decode numpy dtypes, scalars and 1-D float
 * arrays from their raw bytes (numpy 1.x and 2.x spell the module
 * differently, so both spellings are listed). Any other name is refused when
 * the pickle loads it, before it could be called.
 */
import type { PickleValue } from './pickle-value.js';

/** A module attribute the pickle loaded (GLOBAL / STACK_GLOBAL), already checked against the allowlist. */
export class Global {
  constructor(readonly name: string) {}
}

/** numpy dtype of the supported codes; byte order from its BUILD state ('>' = big-endian). */
export class Dtype {
  bigEndian = false;
  constructor(readonly code: DtypeCode) {}
}

/** An ndarray made by _reconstruct or NEWOBJ, waiting for the BUILD that fills it. */
export class ArrayStub {}

/** Everything that can sit on the reader's stack. */
export type Item = PickleValue | Uint8Array | Tuple | Global | Dtype | ArrayStub;

const NOT_A_VALUE = Symbol('not a value');

/** The PickleValue an item stands for, or NOT_A_VALUE for the reader's internal objects. */
export function plainValue(x: Item): PickleValue | typeof NOT_A_VALUE {
  if (x === null || typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') return x;
  if (Array.isArray(x) || x instanceof Map || x instanceof Float32Array || x instanceof Float64Array) return x;
  if (x instanceof Tuple) return x.value ?? NOT_A_VALUE;
  return NOT_A_VALUE;
}

export function isPlainValue(v: PickleValue | typeof NOT_A_VALUE): v is PickleValue {
  return v !== NOT_A_VALUE;
}

/**
 * A Python tuple. Its value as a list is computed once, when it is made (its
 * items are already final), so using a tuple never recurses into nested ones.
 */
export class Tuple {
  readonly value: PickleValue[] | null;
  constructor(readonly items: readonly Item[]) {
    const out: PickleValue[] = [];
    for (const x of items) {
      const v = plainValue(x);
      if (!isPlainValue(v)) break;
      out.push(v);
    }
    this.value = out.length === items.length ? out : null;
  }
}

/** What an item is, for error messages. */
export function kindOf(x: Item | undefined): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'None';
  if (Array.isArray(x)) return 'a list';
  if (x instanceof Map) return 'a dict';
  if (x instanceof Tuple) return 'a tuple';
  if (x instanceof Global) return `the global ${x.name}`;
  if (x instanceof Dtype) return `a numpy dtype ${x.code}`;
  if (x instanceof ArrayStub) return 'an unfinished numpy array';
  if (x instanceof Uint8Array) return 'bytes';
  if (x instanceof Float32Array || x instanceof Float64Array) return 'a numpy array';
  return `a ${typeof x}`;
}

type Fail = (problem: string) => never;

const DTYPE_SIZES = { f4: 4, f8: 8, i4: 4, i8: 8 } as const;
type DtypeCode = keyof typeof DTYPE_SIZES;

function isDtypeCode(s: string): s is DtypeCode {
  return Object.prototype.hasOwnProperty.call(DTYPE_SIZES, s);
}

function arg<T extends Item>(args: readonly Item[], i: number, is: (x: Item) => x is T, what: string, fn: string, fail: Fail): T {
  const x = args[i];
  if (x === undefined || !is(x)) return fail(`${fn}: argument ${i + 1} is ${kindOf(x)}, expected ${what}`);
  return x;
}
const isString = (x: Item): x is string => typeof x === 'string';
const isBytes = (x: Item): x is Uint8Array => x instanceof Uint8Array;
const isDtype = (x: Item): x is Dtype => x instanceof Dtype;
const isTuple = (x: Item): x is Tuple => x instanceof Tuple;
const isGlobal = (x: Item): x is Global => x instanceof Global;

function dtype(args: readonly Item[], fail: Fail): Item {
  const code = arg(args, 0, isString, 'a dtype code', 'numpy.dtype', fail);
  if (!isDtypeCode(code)) return fail(`numpy dtype "${code}" is not supported (only ${Object.keys(DTYPE_SIZES).join(', ')})`);
  return new Dtype(code);
}

function scalar(args: readonly Item[], fail: Fail): Item {
  const dt = arg(args, 0, isDtype, 'a numpy dtype', 'numpy scalar', fail);
  const raw = arg(args, 1, isBytes, 'bytes', 'numpy scalar', fail);
  const size = DTYPE_SIZES[dt.code];
  if (raw.length !== size) return fail(`numpy ${dt.code} scalar has ${raw.length} bytes, expected ${size}`);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const little = !dt.bigEndian;
  if (dt.code === 'f4') return v.getFloat32(0, little);
  if (dt.code === 'f8') return v.getFloat64(0, little);
  if (dt.code === 'i4') return v.getInt32(0, little);
  const n = v.getBigInt64(0, little);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) return fail(`numpy int64 ${n} does not fit a double exactly`);
  return Number(n);
}

function reconstruct(args: readonly Item[], fail: Fail): Item {
  const cls = arg(args, 0, isGlobal, 'numpy.ndarray', 'numpy _reconstruct', fail);
  if (cls.name !== 'numpy.ndarray') return fail(`numpy _reconstruct of ${cls.name}, expected numpy.ndarray`);
  return new ArrayStub();
}

function frombuffer(args: readonly Item[], fail: Fail): Item {
  const raw = arg(args, 0, isBytes, 'bytes', 'numpy _frombuffer', fail);
  const dt = arg(args, 1, isDtype, 'a numpy dtype', 'numpy _frombuffer', fail);
  const shape = arg(args, 2, isTuple, 'a shape tuple', 'numpy _frombuffer', fail);
  return floatArray(raw, dt, shape, fail);
}

// Protocol 2 carries bytes as a str to re-encode: _codecs.encode(text, 'latin1').
function latin1Encode(args: readonly Item[], fail: Fail): Item {
  const text = arg(args, 0, isString, 'a str', '_codecs.encode', fail);
  const encoding = arg(args, 1, isString, 'an encoding name', '_codecs.encode', fail);
  if (encoding !== 'latin1' && encoding !== 'latin-1') return fail(`_codecs.encode to "${encoding}" is not supported (only latin1)`);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return fail(`_codecs.encode: character ${i} (U+${c.toString(16)}) is not latin1`);
    out[i] = c;
  }
  return out;
}

/** A 1-D float32/float64 array from raw bytes; the element count must match the shape. */
function floatArray(raw: Uint8Array, dt: Dtype, shape: Tuple, fail: Fail): Float32Array | Float64Array {
  if (dt.code !== 'f4' && dt.code !== 'f8') return fail(`numpy arrays of ${dt.code} are not supported (only f4 and f8)`);
  const dims = shape.items;
  if (dims.length > 1) return fail(`numpy array of ${dims.length} dimensions; only 1-D arrays are supported`);
  const size = DTYPE_SIZES[dt.code];
  const count = dims.length === 0 ? 1 : dims[0];
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return fail(`numpy array shape (${String(count)},) is not a length`);
  if (raw.length !== count * size) return fail(`numpy ${dt.code} array of shape (${count},) needs ${count * size} bytes, got ${raw.length}`);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const little = !dt.bigEndian;
  const out = dt.code === 'f4' ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = size === 4 ? v.getFloat32(i * 4, little) : v.getFloat64(i * 8, little);
  return out;
}

type Callable = (args: readonly Item[], fail: Fail) => Item;

/** The allowlist: exact "module.name" → decoder. */
export const CALLABLES: ReadonlyMap<string, Callable> = new Map<string, Callable>([
  ['numpy.dtype', dtype],
  ['numpy.core.multiarray.scalar', scalar],
  ['numpy._core.multiarray.scalar', scalar],
  ['numpy.core.multiarray._reconstruct', reconstruct],
  ['numpy._core.multiarray._reconstruct', reconstruct],
  ['numpy.core.numeric._frombuffer', frombuffer],
  ['numpy._core.numeric._frombuffer', frombuffer],
  ['_codecs.encode', latin1Encode],
]);

/** Names GLOBAL may load: the callables, plus numpy.ndarray (the class _reconstruct and NEWOBJ are given). */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([...CALLABLES.keys(), 'numpy.ndarray']);

/**
 * BUILD: sets a dtype's byte order from its state tuple (version, '<'|'>'|'|'|'=', …),
 * or fills an ndarray from (version, shape, dtype, fortran, raw bytes).
 * Returns what replaces the object on the stack.
 */
export function build(obj: Item, state: Item, fail: Fail): Item {
  if (!(state instanceof Tuple)) return fail(`BUILD state is ${kindOf(state)}, expected a tuple`);
  const s = state.items;
  if (obj instanceof Dtype) {
    const order = s[1];
    if (order !== '<' && order !== '>' && order !== '|' && order !== '=') return fail(`numpy dtype byte order ${kindOf(order)} is not <, >, | or =`);
    obj.bigEndian = order === '>';
    return obj;
  }
  if (obj instanceof ArrayStub) {
    const [, shape, dt, , raw] = s;
    if (!(shape instanceof Tuple)) return fail(`numpy array state: shape is ${kindOf(shape)}, expected a tuple`);
    if (!(dt instanceof Dtype)) return fail(`numpy array state: dtype is ${kindOf(dt)}, expected a numpy dtype`);
    if (!(raw instanceof Uint8Array)) return fail(`numpy array state: data is ${kindOf(raw)}, expected bytes`);
    return floatArray(raw, dt, shape, fail);
  }
  return fail(`BUILD on ${kindOf(obj)}: only numpy dtypes and arrays are built`);
}
