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

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
