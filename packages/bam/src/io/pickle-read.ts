/**
 * Reads the pickles the BAM reference exchanges (see pickle.ts for the shapes).
 *
 * The reader interprets a fixed set of opcodes over a stack; it never imports,
 * evaluates or calls anything named in the file. GLOBAL names are checked
 * against an exact allowlist (pickle-numpy.ts) when loaded, and REDUCE only
 * dispatches to that table's decoders. Every length is checked against the
 * bytes left before anything is read or allocated, every loop advances
 * through the input, and any other shape is a PickleError naming the file and
 * the opcode's byte offset.
 */
import { ALLOWED_GLOBALS, ArrayStub, CALLABLES, Global, Tuple, build, isPlainValue, kindOf, plainValue, type Item } from './pickle-numpy.js';
import { PickleError } from './pickle-error.js';
import type { PickleValue } from './pickle-value.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads one pickled value; throws PickleError naming `source` and the byte offset otherwise. */
export function readPickle(bytes: Uint8Array, source = '<memory>'): PickleValue {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let opStart = 0;
  // Python 3's layout: the items since the last MARK are `stack`; MARK pushes it onto `marks`.
  let stack: Item[] = [];
  const marks: Item[][] = [];
  const memo = new Map<number, Item>();
  const fail = (problem: string): never => {
    throw new PickleError(source, opStart, problem);
  };
  const need = (n: number, what: string) => {
    if (n > bytes.length - pos) fail(`${what} needs ${n} bytes but the file ends ${bytes.length - pos} bytes later`);
  };
  const u8 = () => {
    need(1, 'the opcode argument');
    return bytes[pos++];
  };
  const take = (n: number, what: string) => {
    need(n, what);
    const b = bytes.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const at = (n: number, what: string) => {
    need(n, what);
    pos += n;
    return pos - n;
  };
  const u32 = () => dv.getUint32(at(4, 'a 4-byte length'), true);
  // Compared as a bigint: a u64 above 2^53 would lose precision as a number.
  const u64 = (what: string) => {
    const n = dv.getBigUint64(at(8, 'an 8-byte length'), true);
    if (n > BigInt(bytes.length - pos)) fail(`${what} needs ${n} bytes but the file ends ${bytes.length - pos} bytes later`);
    return Number(n);
  };
  const text = (b: Uint8Array) => {
    try {
      return utf8.decode(b);
    } catch {
      return fail('string is not valid UTF-8');
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) return fail('GLOBAL needs a newline-terminated name, but the file ends first');
    const s = text(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): Item => {
    if (stack.length === 0) fail('stack underflow');
    return stack.pop() as Item;
  };
  const top = (): Item => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): Item[] => {
    const items = stack;
    const below = marks.pop();
    if (below === undefined) return fail('no MARK');
    stack = below;
    return items;
  };
  const value = (x: Item, where: string): PickleValue => {
    const v = plainValue(x);
    if (!isPlainValue(v)) return fail(`${kindOf(x)} cannot be ${where}`);
    return v;
  };
  const list = (x: Item): PickleValue[] => (Array.isArray(x) ? x : fail(`appending to ${kindOf(x)}, not a list`));
  const dict = (x: Item): Map<PickleValue, PickleValue> => (x instanceof Map ? x : fail(`setting an item of ${kindOf(x)}, not a dict`));
  const loadGlobal = (module: Item, name: Item) => {
    if (typeof module !== 'string' || typeof name !== 'string') return fail(`STACK_GLOBAL of ${kindOf(module)} and ${kindOf(name)}, expected two strings`);
    const full = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.has(full)) return fail(`refused global "${full}": only ${[...ALLOWED_GLOBALS].join(', ')} may be named`);
    stack.push(new Global(full));
  };
  const memoGet = (key: number) => (memo.has(key) ? (memo.get(key) as Item) : fail(`memo key ${key} was never stored`));
  const int = (n: bigint) => {
    if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) fail(`integer ${n} does not fit a double exactly`);
    return Number(n);
  };

  for (;;) {
    opStart = pos;
    if (pos >= bytes.length) fail('the file ends before the STOP opcode');
    const op = bytes[pos++];
    switch (op) {
      case 0x80: { const p = u8(); if (p > 5) fail(`pickle protocol ${p} is newer than 5`); break; } // PROTO
      case 0x95: at(8, 'FRAME'); break; // FRAME: a length hint; the bytes follow inline
      case 0x2e: return value(pop(), 'the pickled value'); // STOP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(dv.getInt32(at(4, 'BININT'), true)); break;
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(dv.getUint16(at(2, 'BININT2'), true)); break;
      case 0x8a: { // LONG1: little-endian two's complement of n ≤ 255 bytes
        const b = take(u8(), 'LONG1');
        let v = 0n;
        for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (b.length > 0 && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
        stack.push(int(v));
        break;
      }
      case 0x47: stack.push(dv.getFloat64(at(8, 'BINFLOAT'), false)); break; // big-endian double
      case 0x58: stack.push(text(take(u32(), 'BINUNICODE'))); break;
      case 0x8c: stack.push(text(take(u8(), 'SHORT_BINUNICODE'))); break;
      case 0x8d: stack.push(text(take(u64('BINUNICODE8'), 'BINUNICODE8'))); break;
      case 0x43: stack.push(take(u8(), 'SHORT_BINBYTES')); break;
      case 0x42: stack.push(take(u32(), 'BINBYTES')); break;
      case 0x8e: stack.push(take(u64('BINBYTES8'), 'BINBYTES8')); break;
      case 0x96: stack.push(take(u64('BYTEARRAY8'), 'BYTEARRAY8')); break; // numpy arrays under protocol 5
      case 0x54: stack.push(take(u32(), 'BINSTRING')); break; // py2 str, bytes here
      case 0x55: stack.push(take(u8(), 'SHORT_BINSTRING')); break;
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(new Tuple([])); break; // EMPTY_TUPLE
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x28: marks.push(stack); stack = []; break; // MARK
      case 0x65: { // APPENDS
        const items = popMark();
        const l = list(top());
        for (const x of items) l.push(value(x, 'a list item'));
        break;
      }
      case 0x61: { const x = pop(); list(top()).push(value(x, 'a list item')); break; } // APPEND
      case 0x75: { // SETITEMS
        const items = popMark();
        const d = dict(top());
        if (items.length % 2 !== 0) fail(`SETITEMS with ${items.length} items, not key-value pairs`);
        for (let i = 0; i < items.length; i += 2) d.set(value(items[i], 'a dict key'), value(items[i + 1], 'a dict value'));
        break;
      }
      case 0x73: { const v = pop(); const k = pop(); dict(top()).set(value(k, 'a dict key'), value(v, 'a dict value')); break; } // SETITEM
      case 0x74: { const items = popMark(); stack.push(new Tuple(items)); break; } // TUPLE (after popMark has restored `stack`)
      case 0x85: stack.push(new Tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(new Tuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(new Tuple([a, b, c])); break; } // TUPLE3
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(u32())); break; // LONG_BINGET
      case 0x63: { const module = line(); loadGlobal(module, line()); break; } // GLOBAL "module\nname\n"
      case 0x93: { const name = pop(); loadGlobal(pop(), name); break; } // STACK_GLOBAL
      case 0x52: { // REDUCE: an allowlisted decoder applied to a tuple of arguments
        const args = pop();
        const fn = pop();
        if (!(fn instanceof Global)) return fail(`REDUCE calls ${kindOf(fn)}, not an allowed global`);
        if (!(args instanceof Tuple)) return fail(`REDUCE arguments are ${kindOf(args)}, not a tuple`);
        const decode = CALLABLES.get(fn.name);
        if (decode === undefined) return fail(`${fn.name} may only be named, not called`);
        stack.push(decode(args.items, fail));
        break;
      }
      case 0x81: { // NEWOBJ: only numpy.ndarray.__new__, filled by a later BUILD
        const args = pop();
        const cls = pop();
        if (!(cls instanceof Global) || cls.name !== 'numpy.ndarray') return fail(`NEWOBJ of ${kindOf(cls)}: only numpy.ndarray is made`);
        void args;
        stack.push(new ArrayStub());
        break;
      }
      case 0x62: { const state = pop(); stack[stack.length - 1] = build(top(), state, fail); break; } // BUILD
      default:
        fail(`unsupported opcode 0x${op.toString(16)}`);
    }
  }
}
