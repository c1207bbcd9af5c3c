/**
 * Node entry: WebGPU through Dawn (the `webgpu` npm package). Kept apart from
 * the main entry so browser bundles never see Node modules.
 *
 * `webgpu` is an optional peer dependency (132 MB of native binaries a browser
 * user should not download), so it is loaded on first use rather than by a
 * static import: without it, initNode() says which package to install
 * instead of Node's bare "Cannot find package".
 */
import { init } from './init.js';
import { DeviceError } from './errors.js';
import type { AcquireOptions } from './runtime/acquire.js';
import { checkFlags, parseFlags, type ProfileFlags } from './runtime/policy.js';
import type { Runtime } from './runtime/runtime.js';
import type { WaitThrottle } from './runtime/settle.js';

// dawn.node 0.6.2 crashes if the object create() returns is garbage-collected
// while devices made from it live, so it is held here for the process's life.
let dawnGpu: GPU | null = null;

/** The parts of the `webgpu` package used here (typed locally: it is an optional peer). */
interface DawnModule {
  create(flags: string[]): unknown;
  globals: Record<string, unknown>;
}
let dawn: DawnModule | null = null;

export const DAWN_MISSING_HINT =
  'WebGPU in Node needs Dawn, the optional peer dependency "webgpu": install it next to @bamgpu/core ' +
  '(`npm install webgpu`, or `npm install @bamgpu/core webgpu`).';

/** Loads Dawn (the `webgpu` package) once; initNode() calls it, and nodeGPU() needs it done. */
export async function loadDawn(): Promise<void> {
  if (dawn) return;
  // A variable specifier: bundlers of this Node-only entry leave the native package to Node.
  const specifier = 'webgpu';
  try {
    dawn = (await import(specifier)) as DawnModule;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(`'${specifier}'`)) {
      throw new DeviceError(DAWN_MISSING_HINT);
    }
    throw e;
  }
}

export const NO_ADAPTER_HINT =
  'On Debian 12 install a Vulkan driver Dawn accepts: Mesa from bookworm-backports ' +
  '(`apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1`; bookworm\'s own Mesa 22 is too old), ' +
  'or run `npm test` / `npm run demo`, which install it when no adapter is found.';

export interface NodeInitOptions extends Omit<AcquireOptions, 'gpu'> {
  /** Dawn flags, e.g. ['backend=vulkan', 'enable-dawn-features=…']. */
  dawnFlags?: string[];
}

/** The Dawn GPU object (created once per process; after initNode() or loadDawn()). */
export function nodeGPU(flags: string[] = []): GPU {
  if (!dawnGpu) {
    if (!dawn) throw new DeviceError('nodeGPU(): Dawn is not loaded yet; call initNode() or `await loadDawn()` first');
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
    // Vulkan loaders and Mesa warn (and some fail) without it.
    if (env && !env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = '/tmp';
    Object.assign(globalThis, dawn.globals);
    dawnGpu = dawn.create(flags) as GPU;
  }
  return dawnGpu;
}

/**
 * Milliseconds between two of dawn.node's polls while a throttled wait is
 * pending: at most this late. Measured on lavapipe against the previous
 * wait (paired, ms per call): 0.5 and 1 ms did alike (layer norm −15 to
 * −23%, softmax −23 to −28%); polls every 0.1 ms, or from 0.1 growing to
 * 1, at times made softmax's waits 1.6× longer: dense polls as the work
 * ends stall it again.
 */
export const DAWN_POLL_MS = 0.5;

/** Node's setImmediate, typed here: this package builds without Node's types. */
type SetImmediate = (callback: (...args: unknown[]) => void, ...args: unknown[]) => unknown;
const timers = globalThis as unknown as { setImmediate: SetImmediate };

let throttledWaits = 0;
let unthrottled: SetImmediate | null = null;

/**
 * Spaces out dawn.node's polling while `around` waits. dawn.node resolves
 * its promises from a loop that looks up the global setImmediate on every
 * turn and calls wgpuInstanceProcessEvents from it; on a CPU adapter that
 * loop, run back to back, stalls the GPU it waits for (settle.ts). While
 * any throttled wait is pending, setImmediate first blocks this thread for
 * `pollMs` (Atomics.wait: no timer is finer than a millisecond), so each
 * turn of the loop — and anything else queued with setImmediate meanwhile —
 * starts at most that late. Nested and overlapping waits share one
 * installation; the original is back when the last one settles.
 */
export function dawnPollThrottle(pollMs = DAWN_POLL_MS): WaitThrottle {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return {
    async around<T>(wait: () => Promise<T>): Promise<T> {
      if (throttledWaits++ === 0) {
        const original = timers.setImmediate;
        unthrottled = original;
        timers.setImmediate = (callback, ...args) => {
          Atomics.wait(cell, 0, 0, pollMs);
          return original(callback, ...args);
        };
      }
      try {
        return await wait();
      } finally {
        if (--throttledWaits === 0 && unthrottled) {
          timers.setImmediate = unthrottled;
          unthrottled = null;
        }
      }
    },
  };
}

/** BAMGPU_FLAGS (e.g. "matmul=tiled,attention=fused") under the caller's flags, which win entry by entry. */
export function flagsWithEnv(given: ProfileFlags | string = {}): ProfileFlags {
  const text = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.BAMGPU_FLAGS;
  const fromEnv = text ? parseFlags(text, 'BAMGPU_FLAGS') : {};
  return { ...fromEnv, ...(typeof given === 'string' ? parseFlags(given, 'flags') : checkFlags(given)) };
}

/** Acquires a GPU through Dawn and makes it the default runtime; BAMGPU_FLAGS overrides the device profile. */
export async function initNode(options: NodeInitOptions = {}): Promise<Runtime> {
  await loadDawn();
  const gpu = nodeGPU(options.dawnFlags);
  // dawn.node polls a core while a wait is pending: on CPU adapters, sleep through most of the work and throttle the polls.
  return init({
    ...options,
    gpu,
    noAdapterHint: options.noAdapterHint ?? NO_ADAPTER_HINT,
    sleepBeforeWaits: options.sleepBeforeWaits ?? true,
    waitThrottle: options.waitThrottle ?? dawnPollThrottle(),
    flags: flagsWithEnv(options.flags),
  });
}

export * from './index.js';
