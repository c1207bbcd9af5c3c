/**
 * Just enough of Python's pickle format to read and write what the BAM
 * reference exchanges between runs: dicts keyed by int example ids whose
 * values are floats or lists of floats (teacher predictions), and lists of
 * dicts of str → float (results.pkl). Writing uses protocol 2 (readable by
 * every Python 3); reading accepts the opcodes protocols 2–5 produce for
 * these shapes, including numpy float32/int32 scalars and 1-D float arrays
 * pickled by the reference (decoded through their raw bytes).
 */
export type PickleValue = number | string | boolean | null | PickleValue[] | Map<PickleValue, PickleValue> | Float32Array | Float64Array;

class Writer {
  private chunks: number[] = [];
  byte(b: number): void {
    this.chunks.push(b & 0xff);
  }
  bytes(bs: ArrayLike<number>): void {
    for (let i = 0; i < bs.length; i++) this.chunks.push(bs[i]);
  }
  u32(v: number): void {
    this.bytes([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);
  }
  f64be(v: number): void {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, v, false);
    this.bytes(new Uint8Array(dv.buffer));
  }
  result(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function writeValue(w: Writer, v: PickleValue): void {
  if (v === null) w.byte(0x4e); // NONE
  else if (typeof v === 'boolean') w.byte(v ? 0x88 : 0x89); // NEWTRUE / NEWFALSE
  else if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) {
      w.byte(0x4a); // BININT
      w.u32(v >>> 0);
    } else {
      w.byte(0x47); // BINFLOAT (big-endian double)
      w.f64be(v);
    }
  } else if (typeof v === 'string') {
    const b = new TextEncoder().encode(v);
    w.byte(0x58); // BINUNICODE
    w.u32(b.length);
    w.bytes(b);
  } else if (Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array) {
    w.byte(0x5d); // EMPTY_LIST
    w.byte(0x28); // MARK
    for (const x of v) writeValue(w, x);
    w.byte(0x65); // APPENDS
  } else {
    w.byte(0x7d); // EMPTY_DICT
    w.byte(0x28); // MARK
    for (const [k, x] of v) {
      writeValue(w, k);
      writeValue(w, x);
    }
    w.byte(0x75); // SETITEMS
  }
}

/** Serialises with protocol 2. Floats are written as Python floats (float64). */
export function writePickle(v: PickleValue): Uint8Array {
  const w = new Writer();
  w.bytes([0x80, 2]); // PROTO 2
  writeValue(w, v);
  w.byte(0x2e); // STOP
  return w.result();
}

interface NumpyScalar {
  numpyDtype: string;
  raw: Uint8Array;
}

/** Reads a pickle of the shapes listed above; throws naming `source` and the offset otherwise. */
export function readPickle(bytes: Uint8Array, source = '<memory>'): PickleValue {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const fail = (msg: string): never => {
    throw new Error(`${source}: pickle byte ${pos}: ${msg}`);
  };
  const u8 = () => (pos < bytes.length ? bytes[pos++] : fail('unexpected end of file'));
  const take = (n: number) => {
    if (pos + n > bytes.length) fail('unexpected end of file');
    const b = bytes.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const at = (n: number) => {
    take(n);
    return pos - n;
  };
  const u32 = () => dv.getUint32(at(4), true);
  const u64 = () => Number(dv.getBigUint64(at(8), true));
  const popMark = () => {
    const m = marks.pop();
    if (m === undefined) fail('no MARK');
    return stack.splice(m!);
  };
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const toNumber = (x: unknown): unknown => {
    if (x && typeof x === 'object' && 'numpyDtype' in x) {
      const s = x as NumpyScalar;
      const v = new DataView(s.raw.buffer, s.raw.byteOffset, s.raw.byteLength);
      if (s.numpyDtype === 'f4') return v.getFloat32(0, true);
      if (s.numpyDtype === 'f8') return v.getFloat64(0, true);
      if (s.numpyDtype === 'i4') return v.getInt32(0, true);
      if (s.numpyDtype === 'i8') return Number(v.getBigInt64(0, true));
      fail(`unsupported numpy dtype ${s.numpyDtype}`);
    }
    return x;
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: take(8); break; // FRAME
      case 0x2e: return toNumber(stack.pop()) as PickleValue; // STOP
      case 0x4e: stack.push(null); break;
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x4a: stack.push(dv.getInt32(at(4), true)); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(dv.getUint16(at(2), true)); break; // BININT2
      case 0x8a: { // LONG1
        const n = u8();
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (n > 0 && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(Number(v));
        break;
      }
      case 0x47: stack.push(dv.getFloat64(at(8), false)); break; // BINFLOAT
      case 0x58: stack.push(text(take(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(text(take(u8()))); break; // SHORT_BINUNICODE
      case 0x43: stack.push(take(u8())); break; // SHORT_BINBYTES
      case 0x42: stack.push(take(u32())); break; // BINBYTES
      case 0x8e: stack.push(take(u64())); break; // BINBYTES8
      case 0x96: stack.push(take(u64())); break; // BYTEARRAY8 (numpy arrays under protocol 5)
      case 0x8d: stack.push(text(take(u64()))); break; // BINUNICODE8
      case 0x54: stack.push(take(u32())); break; // BINSTRING (py2 str, bytes here)
      case 0x55: stack.push(take(u8())); break; // SHORT_BINSTRING
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x65: { const items = popMark(); (stack[stack.length - 1] as unknown[]).push(...items.map(toNumber)); break; } // APPENDS
      case 0x61: { const x = stack.pop(); (stack[stack.length - 1] as unknown[]).push(toNumber(x)); break; } // APPEND
      case 0x75: { // SETITEMS
        const items = popMark();
        const d = stack[stack.length - 1] as Map<unknown, unknown>;
        for (let i = 0; i < items.length; i += 2) d.set(toNumber(items[i]), toNumber(items[i + 1]));
        break;
      }
      case 0x73: { const v = stack.pop(); const k = stack.pop(); (stack[stack.length - 1] as Map<unknown, unknown>).set(toNumber(k), toNumber(v)); break; } // SETITEM
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([stack.pop()]); break; // TUPLE1
      case 0x86: { const b = stack.pop(); const a = stack.pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = stack.pop(); const b = stack.pop(); const a = stack.pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x71: memo.set(u8(), stack[stack.length - 1]); break; // BINPUT
      case 0x72: memo.set(u32(), stack[stack.length - 1]); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, stack[stack.length - 1]); break; // MEMOIZE
      case 0x68: stack.push(memo.get(u8())); break; // BINGET
      case 0x6a: stack.push(memo.get(u32())); break; // LONG_BINGET
      case 0x63: { // GLOBAL "module\nname\n"
        const readLine = () => { const s = pos; while (bytes[pos] !== 0x0a) pos++; return text(bytes.subarray(s, pos++)); };
        stack.push({ global: `${readLine()}.${readLine()}` });
        break;
      }
      case 0x93: { const name = stack.pop(); const mod = stack.pop(); stack.push({ global: `${mod}.${name}` }); break; } // STACK_GLOBAL
      case 0x52: { // REDUCE: numpy scalars (numpy.core.multiarray.scalar(dtype, bytes)) and dtypes
        const args = stack.pop() as unknown[];
        const fn = (stack.pop() as { global: string }).global;
        if (fn.endsWith('.dtype')) stack.push({ dtype: String(args[0]) });
        else if (fn.endsWith('.scalar')) stack.push({ numpyDtype: (args[0] as { dtype: string }).dtype, raw: args[1] as Uint8Array } satisfies NumpyScalar);
        else if (fn.endsWith('._reconstruct')) stack.push({ ndarray: true });
        else if (fn.endsWith('._frombuffer')) {
          // Protocol 5 arrays: _frombuffer(raw bytes, dtype, shape, order).
          const dtype = (args[1] as { dtype: string }).dtype;
          const copy = (args[0] as Uint8Array).slice();
          stack.push(dtype === 'f8' ? new Float64Array(copy.buffer) : dtype === 'f4' ? new Float32Array(copy.buffer) : fail(`unsupported array dtype ${dtype}`));
        }
        else fail(`unsupported callable ${fn}`);
        break;
      }
      case 0x81: { const args = stack.pop(); const cls = stack.pop(); void cls; void args; stack.push({ ndarray: true }); break; } // NEWOBJ
      case 0x62: { // BUILD: dtype state, or ndarray state (version, shape, dtype, fortran, rawdata)
        const state = stack.pop() as unknown[];
        const obj = stack[stack.length - 1] as Record<string, unknown>;
        if ('ndarray' in obj && Array.isArray(state)) {
          const dtype = (state[2] as { dtype: string }).dtype;
          const raw = state[4] as Uint8Array;
          const copy = raw.slice();
          stack[stack.length - 1] = dtype === 'f8' ? new Float64Array(copy.buffer) : dtype === 'f4' ? new Float32Array(copy.buffer) : fail(`unsupported array dtype ${dtype}`);
        }
        break;
      }
      default:
        fail(`unsupported opcode 0x${op.toString(16)}`);
    }
  }
}
