import type { ParamLayout } from './params.js';

/** How a kernel uses one storage binding. */
export type StorageAccess = 'read' | 'read_write';

/**
 * A compiled-once compute program: WGSL generated from a spec, cached by `key`; shapes travel in the
 * params uniform (binding 0 of group 1), storage bindings are group 0 from binding 1 in `storage` order.
 */
export interface Kernel {
  key: string;
  source: () => string;
  params: ParamLayout;
  storage: readonly StorageAccess[];
  /** Sampled 2-D float textures (`texture_2d<f32>`, textureLoad) bound after the storage buffers, at 1 + storage.length + i. */
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

/** WGSL: the flat invocation index of a 1-D problem dispatched with `splitWorkgroups` (an x×y grid where x alone is too small). */
export function flatIndex(workgroupSize: number): string {
  return `(gid.x + gid.y * (nwg.x * ${workgroupSize}u))`;
}
