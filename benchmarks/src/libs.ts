/** The two libraries behind the harness's Lib interface. */
import type { Runtime } from '@bamgpu/core';
import type { Lib } from './harness.js';
import type { TfjsHandle } from './tfjs/load.js';

export function ourLib(rt: Runtime): Lib {
  return {
    name: 'ours',
    // The runtime's own wait, which already sleeps on CPU adapters from what it
    // has learned of recent dispatches: what a training loop gets. A harness
    // sleep on top would double it.
    async sync() {
      await rt.sync();
    },
    async timeGPU(fn) {
      if (!rt.hasTimestamps) return null;
      return (await rt.timeGPU(fn)).gpuMs;
    },
    drainErrors() {
      try {
        rt.checkAlive();
        return null;
      } catch (e) {
        return e instanceof Error ? e.message.split('\n')[0] : String(e);
      }
    },
  };
}

export function tfjsLib(h: TfjsHandle, isCPU: boolean): Lib {
  return {
    name: 'tfjs',
    sync: (work) => h.sync(work, isCPU),
    timeGPU: (fn) => (h.hasTimestamps ? h.timeGPU(fn) : Promise.resolve(null)),
    // TF.js surfaces its device's errors as console output only.
    drainErrors: () => null,
  };
}
