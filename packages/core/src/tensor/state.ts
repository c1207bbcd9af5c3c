import { DeviceError, INIT_HINT } from '../errors.js';
import type { Runtime } from '../runtime/runtime.js';

/**
 * Process-wide engine state: the default runtime, whether gradients are
 * recorded, and the stack of memory scopes. Kept in one small module so
 * every other file reads it the same way.
 */
interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

let defaultRuntime: Runtime | null = null;
let apiComplete = false;
let gradEnabled = true;
const scopes: Set<Disposable>[] = [];
let liveTensors = 0;

/** init.ts's module calls this once it has installed the op methods and the tape's gradient math. */
export function markTensorApiComplete(): void {
  apiComplete = true;
}

/**
 * Throws unless init()'s module has run. It completes the tensor API
 * (t.add …, backward's gradient sums); a program can miss it by importing
 * core's files by path, or from a bundle that dropped init.js because it
 * never calls init(). Checked wherever a runtime starts making tensors.
 */
export function requireTensorApi(): void {
  if (!apiComplete) throw new Error(`the tensor API is incomplete (no op methods or gradient math): ${INIT_HINT}; it completes the API, and init({ device }) wraps a device you made`);
}

export function setDefaultRuntime(rt: Runtime | null): void {
  if (rt) requireTensorApi();
  defaultRuntime = rt;
}

export function getDefaultRuntime(): Runtime {
  if (!defaultRuntime) throw new DeviceError(`no GPU runtime: ${INIT_HINT}`);
  return defaultRuntime;
}

export function hasDefaultRuntime(): boolean {
  return defaultRuntime !== null;
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function setGradEnabled(on: boolean): boolean {
  const prev = gradEnabled;
  gradEnabled = on;
  return prev;
}

/** Counts a new tensor as live and, unless `inScope` is false, lets the innermost scope dispose it. */
export function trackTensor(t: Disposable, inScope = true): void {
  liveTensors++;
  if (inScope) scopes[scopes.length - 1]?.add(t);
}

export function untrackTensor(t: Disposable): void {
  for (const s of scopes) s.delete(t);
}

export function noteDisposed(): void {
  liveTensors--;
}

export function liveTensorCount(): number {
  return liveTensors;
}

export function pushScope(): Set<Disposable> {
  const s = new Set<Disposable>();
  scopes.push(s);
  return s;
}

export function popScope(s: Set<Disposable>): void {
  const i = scopes.lastIndexOf(s);
  if (i >= 0) scopes.splice(i, 1);
}

/** Moves a tensor from a finished scope to the enclosing one (the scope's result). */
export function adoptIntoCurrentScope(t: Disposable): void {
  scopes[scopes.length - 1]?.add(t);
}
