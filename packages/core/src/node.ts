/**
 * Node entry: WebGPU through Dawn (the `webgpu` npm package). Kept apart from
 * the main entry so browser bundles never see Node modules.
 */
import { create, globals } from 'webgpu';
import { init } from './index.js';
import type { AcquireOptions } from './runtime/acquire.js';
import type { Runtime } from './runtime/runtime.js';

// dawn.node 0.6.2 crashes if the object create() returns is garbage-collected
// while devices made from it live, so it is held here for the process's life.
let dawnGpu: GPU | null = null;

export const NO_ADAPTER_HINT =
  'On Debian 12 install a Vulkan driver Dawn accepts: Mesa from bookworm-backports ' +
  '(`apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1`; bookworm\'s own Mesa 22 is too old), ' +
  'or run `npm test` / `npm run demo`, which install it when no adapter is found.';

export interface NodeInitOptions extends Omit<AcquireOptions, 'gpu'> {
  /** Dawn flags, e.g. ['backend=vulkan', 'enable-dawn-features=…']. */
  dawnFlags?: string[];
}

/** The Dawn GPU object (created once per process). */
export function nodeGPU(flags: string[] = []): GPU {
  if (!dawnGpu) {
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
    // Vulkan loaders and Mesa warn (and some fail) without it.
    if (env && !env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = '/tmp';
    Object.assign(globalThis, globals);
    dawnGpu = create(flags) as unknown as GPU;
  }
  return dawnGpu;
}

/** Acquires a GPU through Dawn and makes it the default runtime. */
export async function initNode(options: NodeInitOptions = {}): Promise<Runtime> {
  const gpu = nodeGPU(options.dawnFlags);
  // dawn.node busy-polls a core while a wait is pending: on CPU adapters, sleep through the work first.
  return init({ ...options, gpu, noAdapterHint: options.noAdapterHint ?? NO_ADAPTER_HINT, sleepBeforeWaits: options.sleepBeforeWaits ?? true });
}

export * from './index.js';
