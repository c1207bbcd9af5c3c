/**
 * A minimal float64 n-d array and the reference implementations every GPU
 * kernel is checked against. Written for clarity, not speed: plain loops
 * over row-major indices.
 */
export interface Nd {
  shape: number[];
  data: Float64Array;
}

export const nd = (shape: readonly number[], data: ArrayLike<number>): Nd => ({ shape: [...shape], data: Float64Array.from(data) });
export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
export const strides = (shape: readonly number[]) => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
};

function unravel(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    c[k] = i % shape[k];
    i = Math.floor(i / shape[k]);
  }
  return c;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error('ref: not broadcastable');
    return x === 1 ? y : x;
  });
}

/** Reads `x` at output coordinates `c` of a broadcast shape. */
function at(x: Nd, c: readonly number[]): number {
  const off = c.length - x.shape.length;
  const st = strides(x.shape);
  let idx = 0;
  for (let k = 0; k < x.shape.length; k++) idx += (x.shape[k] === 1 ? 0 : c[k + off]) * st[k];
  return x.data[idx];
}

export function mapN(xs: readonly Nd[], f: (...v: number[]) => number): Nd {
  const shape = xs.map((x) => x.shape).reduce((a, b) => broadcastShape(a, b), [] as number[]);
  const n = size(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = unravel(i, shape);
    out[i] = f(...xs.map((x) => at(x, c)));
  }
  return { shape, data: out };
}

export function reduceAxes(x: Nd, axes: readonly number[], f: (vals: number[]) => number, keepdim = false): Nd {
  const ax = axes.map((a) => (a < 0 ? a + x.shape.length : a));
  const outShapeKeep = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const groups = new Map<number, number[]>();
  const ost = strides(outShapeKeep);
  for (let i = 0; i < x.data.length; i++) {
    const c = unravel(i, x.shape);
    let o = 0;
    c.forEach((v, k) => (o += (ax.includes(k) ? 0 : v) * ost[k]));
    let g = groups.get(o);
    if (!g) groups.set(o, (g = []));
    g.push(x.data[i]);
  }
  const n = size(outShapeKeep);
  const out = new Float64Array(n);
  for (let o = 0; o < n; o++) out[o] = f(groups.get(o) ?? []);
  return { shape: keepdim ? outShapeKeep : x.shape.filter((_, i) => !ax.includes(i)), data: out };
}

export const sumOf = (v: number[]) => v.reduce((a, b) => a + b, 0);

export function matmulRef(a: Nd, b: Nd, transA = false, transB = false): Nd {
  const ar = a.shape.length;
  const br = b.shape.length;
  const m = transA ? a.shape[ar - 1] : a.shape[ar - 2];
  const k = transA ? a.shape[ar - 2] : a.shape[ar - 1];
  const n = transB ? b.shape[br - 2] : b.shape[br - 1];
  const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const nb = size(batch);
  const out = new Float64Array(nb * m * n);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const sliceIndex = (own: number[], c: number[]) => {
    const off = c.length - own.length;
    const st = strides(own);
    return own.reduce((acc, d, i) => acc + (d === 1 ? 0 : c[i + off]) * st[i], 0);
  };
  for (let bi = 0; bi < nb; bi++) {
    const c = unravel(bi, batch);
    const ao = sliceIndex(aBatch, c) * m * k;
    const bo = sliceIndex(bBatch, c) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          const av = transA ? a.data[ao + q * m + i] : a.data[ao + i * k + q];
          const bv = transB ? b.data[bo + j * k + q] : b.data[bo + q * n + j];
          s += av * bv;
        }
        out[bi * m * n + i * n + j] = s;
      }
    }
  }
  return { shape: [...batch, m, n], data: out };
}

/** Applies f to every row of the last dim. */
export function rows(x: Nd, f: (row: number[]) => number[]): Nd {
  const n = x.shape[x.shape.length - 1];
  const out = new Float64Array(x.data.length);
  for (let r = 0; r * n < x.data.length; r++) {
    const row = Array.from(x.data.subarray(r * n, (r + 1) * n));
    out.set(f(row), r * n);
  }
  return { shape: [...x.shape], data: out };
}

export const softmaxRow = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = sumOf(e);
  return e.map((v) => v / s);
};

export const logSoftmaxRow = (row: number[]) => {
  const m = Math.max(...row);
  const lse = m + Math.log(sumOf(row.map((v) => Math.exp(v - m))));
  return row.map((v) => v - lse);
};

export function permuteRef(x: Nd, perm: readonly number[]): Nd {
  const shape = perm.map((p) => x.shape[p]);
  const st = strides(x.shape);
  const n = size(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = unravel(i, shape);
    let idx = 0;
    c.forEach((v, k) => (idx += v * st[perm[k]]));
    out[i] = x.data[idx];
  }
  return { shape, data: out };
}

export function sliceRef(x: Nd, begin: readonly number[], shape: readonly number[]): Nd {
  const st = strides(x.shape);
  const n = size(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = unravel(i, shape);
    let idx = 0;
    c.forEach((v, k) => (idx += (v + begin[k]) * st[k]));
    out[i] = x.data[idx];
  }
  return { shape: [...shape], data: out };
}

export function concatRef(xs: readonly Nd[], dim: number): Nd {
  const shape = [...xs[0].shape];
  shape[dim] = xs.reduce((a, x) => a + x.shape[dim], 0);
  const n = size(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = unravel(i, shape);
    let j = 0;
    let pos = c[dim];
    while (pos >= xs[j].shape[dim]) pos -= xs[j++].shape[dim];
    const cc = [...c];
    cc[dim] = pos;
    const st = strides(xs[j].shape);
    out[i] = xs[j].data[cc.reduce((acc, v, k) => acc + v * st[k], 0)];
  }
  return { shape, data: out };
}

/** erf with ~1e-15 accuracy (series / continued fraction), for GELU references. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let s = ax;
    for (let n = 1; n < 80; n++) {
      term *= (-ax * ax) / n;
      s += term / (2 * n + 1);
    }
    return Math.sign(x) * s * (2 / Math.sqrt(Math.PI));
  }
  return Math.sign(x) * (1 - erfcLarge(ax));
}

function erfcLarge(x: number): number {
  // Lentz continued fraction for erfc, x >= 2.5
  let f = x;
  let C = x;
  let D = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    D = x + a * D;
    D = 1 / D;
    C = x + a / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

export function erfc(x: number): number {
  return x >= 2.5 ? erfcLarge(x) : 1 - erf(x);
}

export const geluRef = (x: number) => 0.5 * x * erfc(-x / Math.SQRT2);
