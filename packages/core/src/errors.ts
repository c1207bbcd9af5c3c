/** Thrown before any GPU work when operand shapes don't fit an op. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Thrown before any GPU work when operand dtypes don't fit an op. */
export class DTypeError extends Error {
  override name = 'DTypeError';
}

/** The GPU device is gone (lost, destroyed) or tensors from two devices were mixed. */
export class DeviceError extends Error {
  override name = 'DeviceError';
}

/** A tensor was used after dispose(). */
export class DisposedError extends Error {
  override name = 'DisposedError';
}

/** What every start-up error tells the program to do. */
export const INIT_HINT = 'call `await init()` (browsers) or `await initNode()` from "@bamgpu/core/node" first';

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
