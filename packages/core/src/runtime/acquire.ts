import { DeviceError } from '../errors.js';
import type { ProfileFlags } from './policy.js';
import { Runtime, type RuntimeOptions } from './runtime.js';
import type { WaitThrottle } from './settle.js';

export interface AcquireOptions {
  /** Use this device as is. */
  device?: GPUDevice;
  /** The GPU entry point (navigator.gpu in browsers, Dawn's in Node). */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  /** Extra text for the no-adapter error (how to get one on this platform). */
  noAdapterHint?: string;
  /** See RuntimeOptions.sleepBeforeWaits (initNode sets it: dawn.node busy-polls). */
  sleepBeforeWaits?: boolean;
  /** See RuntimeOptions.waitThrottle (initNode's throttles dawn.node's polling). */
  waitThrottle?: WaitThrottle;
  /** See RuntimeOptions.maxDispatchesPerSubmit. */
  maxDispatchesPerSubmit?: number;
  /** Device-profile overrides: see RuntimeOptions.flags (runtime/policy.ts). */
  flags?: ProfileFlags | string;
}

/** Optional features the engine uses when the adapter has them. */
const WANTED_FEATURES: GPUFeatureName[] = ['shader-f16', 'timestamp-query', 'subgroups' as GPUFeatureName];

/** Limits raised to the adapter's maximum: big weight matrices need big bindings. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  // The CPU matmul stages operands in textures one row per stored row.
  'maxTextureDimension2D',
] as const;

export async function acquireRuntime(opts: AcquireOptions = {}): Promise<Runtime> {
  const runtimeOptions: RuntimeOptions = { sleepBeforeWaits: opts.sleepBeforeWaits, waitThrottle: opts.waitThrottle, maxDispatchesPerSubmit: opts.maxDispatchesPerSubmit, flags: opts.flags };
  if (opts.device) return new Runtime(opts.device, runtimeOptions);
  const gpu = opts.gpu ?? (typeof navigator !== 'undefined' ? (navigator as Navigator & { gpu?: GPU }).gpu : undefined);
  if (!gpu) {
    throw new DeviceError(`WebGPU is not available here (no navigator.gpu).${opts.noAdapterHint ? ` ${opts.noAdapterHint}` : ' In Node, use initNode() from "@bamgpu/core/node"; in browsers, use one with WebGPU enabled.'}`);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new DeviceError(`No WebGPU adapter found.${opts.noAdapterHint ? ` ${opts.noAdapterHint}` : ''}`);
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  const info = adapter.info;
  return new Runtime(device, {
    ...runtimeOptions,
    adapterInfo: { vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', device: info?.device ?? '', description: info?.description ?? '' },
  });
}
