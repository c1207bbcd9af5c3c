import type { ParamLayout } from './params.js';

/** How a kernel uses one storage binding. */
export type StorageAccess = 'read' | 'read_write';

/**
 * A compiled-once compute program. Kernels are pure descriptions: the WGSL
 * text is generated from a spec and cached by `key`; shapes travel in the
 * params uniform so one pipeline serves every shape with the same key.
 * The params uniform (when it has fields) is binding 0 of bind group 1;
 * storage bindings are group 0 from binding 1, in the order of `storage`.
 */
export interface Kernel {
  key: string;
  source: () => string;
  params: ParamLayout;
  storage: readonly StorageAccess[];
  /**
   * How many sampled 2-D float textures (`texture_2d<f32>`, read with
   * textureLoad) the kernel binds after its storage buffers, at bindings
   * 1 + storage.length + i. CPU adapters (lavapipe) compile texel fetches to
   * vector code, far cheaper than their per-lane storage-buffer loads.
   */
  textures?: number;
}

/** A range of a GPU buffer bound to one storage binding. */
export interface BufferRange {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

/** Workgroup counts; x may exceed the per-dimension limit — see `splitWorkgroups`. */
export type Workgroups = readonly [number, number?, number?];

/**
 * WGSL snippet: the flat invocation index for a 1-D problem dispatched with
 * `splitWorkgroups` (x×y grid when one dimension isn't enough).
 */
export function flatIndex(workgroupSize: number): string {
  return `(gid.x + gid.y * (nwg.x * ${workgroupSize}u))`;
}
