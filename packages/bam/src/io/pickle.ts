/**
 * Just enough of Python's pickle format to read and write what the BAM
 * reference exchanges between runs: dicts keyed by int example ids whose
 * values are floats or lists of floats (teacher predictions), and lists of
 * dicts of str → float (results.pkl). Writing uses protocol 2 (readable by
 * every Python 3); reading accepts the opcodes protocols 2–5 produce for
 * these shapes, including numpy float32/int32 scalars and 1-D float arrays
 * pickled by the reference (decoded through their raw bytes).
 *
 * Reading never executes anything from the file: see pickle-read.ts for the
 * interpreter and pickle-numpy.ts for the exact allowlist of names.
 */
import type { PickleValue } from './pickle-value.js';

export type { PickleValue } from './pickle-value.js';
export { PickleError } from './pickle-error.js';
export { readPickle } from './pickle-read.js';

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
