import type { PoolStats } from '../runtime/buffer-pool.js';
import { Tensor } from './tensor.js';
import {
  adoptIntoCurrentScope,
  getDefaultRuntime,
  hasDefaultRuntime,
  liveTensorCount,
  popScope,
  pushScope,
  setGradEnabled,
  untrackTensor,
} from './state.js';

function collectTensors(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const v of value.values()) collectTensors(v, out, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out, depth + 1);
  }
}

function closeScope(frame: ReturnType<typeof pushScope>, result: unknown): void {
  popScope(frame);
  const keepers = new Set<Tensor>();
  collectTensors(result, keepers);
  for (const t of frame) {
    if (t instanceof Tensor && keepers.has(t)) adoptIntoCurrentScope(t);
    else t.dispose();
  }
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns
 * (a tensor, or tensors inside arrays / plain objects / Maps), which move to
 * the enclosing scope. Works with async functions; don't interleave two async
 * scopes, or one will dispose the other's tensors.
 */
export function scope<T>(fn: () => T): T {
  const frame = pushScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    closeScope(frame, undefined);
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(
      (v) => {
        closeScope(frame, v);
        return v;
      },
      (e) => {
        closeScope(frame, undefined);
        throw e;
      },
    ) as T;
  }
  closeScope(frame, result);
  return result;
}

/** Exempts a tensor from every enclosing scope: the caller disposes it. */
export function keep<T extends Tensor>(t: T): T {
  untrackTensor(t);
  return t;
}

/** Runs `fn` without recording ops for backward (evaluation, optimiser updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(false);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    setGradEnabled(prev);
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => setGradEnabled(prev)) as T;
  }
  setGradEnabled(prev);
  return result;
}

export interface MemoryInfo extends PoolStats {
  /** Tensor handles not yet disposed (views and saved handles count separately). */
  liveTensors: number;
  /** Bytes kernels keep between calls (the texture matmul's scratch textures); rt.trim() frees them. */
  cacheBytes: number;
}

/** Live tensors and GPU buffer usage of the default runtime. */
export function memory(): MemoryInfo {
  const pool = hasDefaultRuntime() ? getDefaultRuntime().memory() : { liveBuffers: 0, liveBytes: 0, pooledBuffers: 0, pooledBytes: 0, cacheBytes: 0 };
  return { liveTensors: liveTensorCount(), ...pool };
}
