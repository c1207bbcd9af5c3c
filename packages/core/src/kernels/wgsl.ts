import type { Runtime } from '../runtime/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { wgslType } from '../tensor/dtype.js';

/**
 * erfc and GELU (forward and derivative) on `T` (f32, or vec4<f32> for the
 * vec4 elementwise kernels: the same arithmetic per lane), named with
 * `suffix`. erfc has fractional error < 1.2e-7 everywhere (Chebyshev fit,
 * Numerical Recipes §6.2), so GELU stays accurate in its negative tail where
 * 1+erf cancels.
 */
function geluHelpers(suffix: string, T: string): Record<string, string> {
  const erfc = `erfc_f${suffix}`;
  return {
    [erfc]: `fn ${erfc}(z: ${T}) -> ${T} {
  let a = abs(z);
  let t = 1.0 / (1.0 + 0.5 * a);
  let r = t * exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return select(2.0 - r, r, z >= ${T}(0.0));
}`,
    [`gelu_f${suffix}`]: `fn gelu_f${suffix}(x: ${T}) -> ${T} { return 0.5 * x * ${erfc}(-x * 0.70710678118654752); }`,
    [`gelu_grad_f${suffix}`]: `fn gelu_grad_f${suffix}(x: ${T}) -> ${T} {
  return 0.5 * ${erfc}(-x * 0.70710678118654752) + x * 0.39894228040143268 * exp(-0.5 * x * x);
}`,
  };
}

/** Shared WGSL helpers: a kernel includes only the ones its code names. */
export const WGSL_HELPERS: Record<string, string> = {
  ...geluHelpers('', 'f32'),
  ...geluHelpers('4', 'vec4<f32>'),
  // tanh without overflow for large |x| and without cancellation near 0.
  tanh_f: `fn tanh_f(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.125) {
    let x2 = x * x;
    return x * (1.0 + x2 * (-0.33333333333 + x2 * (0.13333333333 + x2 * (-0.05396825397 + x2 * 0.02186948854))));
  }
  let e = exp(-2.0 * a);
  return sign(x) * (1.0 - e) / (1.0 + e);
}`,
  sigmoid_f: `fn sigmoid_f(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}`,
  // x^e with PyTorch's meaning for negative bases and integral exponents.
  pow_f: `fn pow_f(x: f32, e: f32) -> f32 {
  if (e == 2.0) { return x * x; }
  if (e == 1.0) { return x; }
  if (e == 0.0) { return 1.0; }
  let m = pow(abs(x), e);
  if (x >= 0.0) { return select(m, 0.0, x == 0.0 && e > 0.0); }
  // Non-integral power of a negative base: NaN (computed, since WGSL rejects NaN constants).
  if (e != floor(e)) { let z = x - x; return z / z; }
  let odd = (abs(e) % 2.0) == 1.0;
  return select(m, -m, odd);
}`,
  // Counter-based RNG: Philox4x32-10, mirrored in JS by random/generator.ts (which says
  // how a call's key and an element's index make the counter). u32 products wrap,
  // and mulhi32 builds the high word from 16-bit halves, since WGSL has no 64-bit integers.
  mulhi32: `fn mulhi32(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu; let ah = a >> 16u; let bl = b & 0xffffu; let bh = b >> 16u;
  let lh = al * bh; let hl = ah * bl;
  let mid = ((al * bl) >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}`,
  philox4x32: `fn philox4x32(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = ctr;
  var k = key;
  for (var r = 0u; r < 10u; r++) {
    let h0 = mulhi32(0xd2511f53u, c.x);
    let h1 = mulhi32(0xcd9e8d57u, c.z);
    c = vec4<u32>(h1 ^ c.y ^ k.x, 0xcd9e8d57u * c.z, h0 ^ c.w ^ k.y, 0xd2511f53u * c.x);
    k += vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}`,
  // Block b of the call with key (k0, k1): counter (b, 0, k1, 0) under key (k0, 0).
  // Element i is lane i % 4 of block i / 4; rng_normal's pair 2i, 2i+1 shares block i / 2.
  rng_block: `fn rng_block(k0: u32, k1: u32, b: u32) -> vec4<u32> { return philox4x32(vec4<u32>(b, 0u, k1, 0u), vec2<u32>(k0, 0u)); }`,
  rng_u32: `fn rng_u32(k0: u32, k1: u32, ctr: u32) -> u32 { return rng_block(k0, k1, ctr >> 2u)[ctr & 3u]; }`,
  rng_u01: `fn rng_u01(k0: u32, k1: u32, ctr: u32) -> f32 { return f32(rng_u32(k0, k1, ctr) >> 8u) * 5.9604644775390625e-8; }`,
  rng_normal: `fn rng_normal(k0: u32, k1: u32, ctr: u32) -> f32 {
  // Box-Muller on elements 2i and 2i+1 (one Philox block holds both); u1 in (0, 1] so log never sees 0.
  let b = rng_block(k0, k1, ctr >> 1u);
  let j = (ctr & 1u) * 2u;
  let u1 = f32((b[j] >> 8u) + 1u) * 5.9604644775390625e-8;
  let u2 = f32(b[j + 1u] >> 8u) * 5.9604644775390625e-8;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}`,
};

const HELPER_DEPS: Record<string, string[]> = {
  gelu_f: ['erfc_f'],
  gelu_grad_f: ['erfc_f'],
  gelu_f4: ['erfc_f4'],
  gelu_grad_f4: ['erfc_f4'],
  philox4x32: ['mulhi32'],
  rng_block: ['philox4x32'],
  rng_u32: ['rng_block'],
  rng_u01: ['rng_u32'],
  rng_normal: ['rng_block'],
};

/** Helper functions a snippet of WGSL needs, in dependency order. */
export function helpersFor(code: string): string {
  const out: string[] = [];
  const add = (name: string) => {
    if (out.includes(WGSL_HELPERS[name])) return;
    for (const dep of HELPER_DEPS[name] ?? []) add(dep);
    out.push(WGSL_HELPERS[name]);
  };
  for (const name of Object.keys(WGSL_HELPERS)) if (code.includes(`${name}(`)) add(name);
  return out.join('\n');
}

export function enableF16(...dtypes: DType[]): string {
  return dtypes.includes('float16') ? 'enable f16;\n' : '';
}

/** The type arithmetic happens in: f16 storage computes in f32. */
export function computeType(dtype: DType): 'f32' | 'i32' {
  return dtype === 'int32' ? 'i32' : 'f32';
}

/** Loads element `idx` of storage array `arr` as its compute type. */
export function load(arr: string, idx: string, dtype: DType): string {
  return dtype === 'float16' ? `f32(${arr}[${idx}])` : `${arr}[${idx}]`;
}

/** Converts a compute-type expression to the storage type of `dtype`. */
export function store(expr: string, dtype: DType): string {
  return dtype === 'float16' ? `f16(${expr})` : expr;
}

/** A storage array binding; `vec4` declares it as array<vec4<f32>> (f32 data read four elements at a time). */
export function storageDecl(binding: number, name: string, dtype: DType, access: 'read' | 'read_write', vec4 = false): string {
  return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: array<${vec4 ? 'vec4<f32>' : wgslType(dtype)}>;\n`;
}

/** Per device: its smallest subgroup size, 0 without subgroups (row and attention kernels ask on every call). */
const subgroupMin = new WeakMap<GPUDevice, number>();

function minSubgroupSize(device: GPUDevice): number {
  let min = subgroupMin.get(device);
  if (min === undefined) {
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    min = device.features.has('subgroups' as GPUFeatureName) ? (info?.subgroupMinSize ?? 0) : 0;
    subgroupMin.set(device, min);
  }
  return min;
}

/**
 * Lanes a subgroup kernel may share work over: the largest power of two no
 * larger than `cap` nor than any subgroup the device may use, so lane ids
 * 0…L−1 always exist in one subgroup; 0 where the device has no subgroups.
 */
export function subgroupLanes(rt: Runtime, cap: number): number {
  const min = minSubgroupSize(rt.device);
  let l = 1;
  while (l * 2 <= Math.min(min, cap)) l *= 2;
  return l >= 2 ? l : 0;
}

export const WORKGROUP = 256;

/** Splits `n` workgroups over x and y when x alone would pass the 65535 limit. */
export function splitWorkgroups(n: number, maxPerDim = 65535): [number, number] {
  if (n <= maxPerDim) return [n, 1];
  const y = Math.ceil(n / maxPerDim);
  return [Math.ceil(n / y), y];
}

export const MAIN_1D = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * (nwg.x * ${WORKGROUP}u);`;
