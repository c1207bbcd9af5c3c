/**
 * TF.js's WebGPU backend on Dawn's navigator.gpu — the baseline every row is
 * compared with. Loaded lazily (so `--no-tfjs` never imports it), after
 * navigator.gpu exists: the backend registers itself only if it sees one at
 * import time.
 */
import { createRequire } from 'node:module';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { SettleEstimator } from '@bamgpu/core';
import { dawnPollThrottle } from '@bamgpu/core/node';
import { sleep } from '../wait.js';
import { registerTfjsGradients } from './gradients.js';

export type Tf = typeof import('@tensorflow/tfjs-core');
export type TfTensor = import('@tensorflow/tfjs-core').Tensor;

export interface TfjsHandle {
  tf: Tf;
  version: string;
  /** What TF.js's own requestAdapter() got (should be ours: same GPU object, same power preference). */
  adapter: { vendor: string; architecture: string; description: string; device: string };
  hasTimestamps: boolean;
  /**
   * Submits what TF.js recorded and resolves when the GPU has finished it;
   * on CPU adapters it waits as our runtime does (see wait.ts), learning
   * repeated work by its name.
   */
  sync(work: string | null, isCPU: boolean): Promise<void>;
  /** Summed GPU timestamp time of the kernels `fn` runs, or null without timestamps. */
  timeGPU(fn: () => void): Promise<number | null>;
  /** Live TF.js tensors (leak check between rows). */
  numTensors(): number;
  /** Compute pipelines TF.js has compiled (read from its private cache; null if that moved). */
  pipelineCount(): number | null;
}

/** The backend's package version (it exports none); inside a device-pack bundle, the version the pack baked in. */
function backendVersion(): string {
  try {
    return (createRequire(import.meta.url)('@tensorflow/tfjs-backend-webgpu/package.json') as { version: string }).version;
  } catch {
    return process.env.BAMGPU_PACK_TFJS_WEBGPU_VERSION || 'unknown';
  }
}

export async function loadTfjs(gpu: GPU): Promise<TfjsHandle> {
  const g = globalThis as { navigator?: object };
  // Node 20 has no navigator; Node 21+ has one without gpu.
  if (!g.navigator) g.navigator = {};
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  const tf: Tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  await registerTfjsGradients(tf);
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not initialise its WebGPU backend on this adapter');
  await tf.ready();
  const backend = tf.backend() as WebGPUBackend;
  const info = backend.adapterInfo as unknown as { vendor?: string; architecture?: string };
  const devInfo = (backend.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  // TF.js's waits on CPU adapters: our runtime's policy, with its own memory of its work.
  const settle = new SettleEstimator();
  const pollThrottle = dawnPollThrottle();
  return {
    tf,
    version: `tfjs-core ${tf.version_core}, tfjs-backend-webgpu ${backendVersion()}`,
    adapter: {
      vendor: devInfo?.vendor ?? info.vendor ?? '',
      architecture: devInfo?.architecture ?? info.architecture ?? '',
      description: devInfo?.description ?? '',
      device: devInfo?.device ?? '',
    },
    hasTimestamps: backend.device.features.has('timestamp-query'),
    async sync(work, isCPU) {
      // TF.js keeps a compute pass open between ops; close it so submit is valid.
      backend.ensureCommandEncoderReady();
      backend.endComputePassEncoder();
      backend.submitQueue();
      if (!isCPU) {
        await backend.device.queue.onSubmittedWorkDone();
        return;
      }
      const t0 = performance.now();
      const ms = work ? settle.sleepMs('sync', work) : 0;
      if (ms > 0) await sleep(ms);
      await pollThrottle.around(() => backend.device.queue.onSubmittedWorkDone());
      if (work) settle.note('sync', work, performance.now() - t0);
    },
    async timeGPU(fn) {
      if (!backend.device.features.has('timestamp-query')) return null;
      const info = await tf.time(fn);
      return typeof info.kernelMs === 'number' ? info.kernelMs : null;
    },
    numTensors: () => tf.memory().numTensors,
    pipelineCount: () => {
      const cache = (backend as unknown as { pipelineCache?: unknown }).pipelineCache;
      return cache && typeof cache === 'object' ? Object.keys(cache).length : null;
    },
  };
}
