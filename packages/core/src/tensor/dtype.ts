/**
 * Element types a tensor can hold. float16 is a storage type: it exists only
 * on adapters with `shader-f16`, and arithmetic on it accumulates in f32.
 */
export type DType = 'float32' | 'int32' | 'float16';

export type TypedArrayFor<D extends DType> = D extends 'int32' ? Int32Array : Float32Array;
export type DataArray = Float32Array | Int32Array;

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float16' ? 2 : 4;
}

/** WGSL scalar type that stores one element. */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'f16' {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'float16':
      return 'f16';
  }
}

export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

export const DTYPES: readonly DType[] = ['float32', 'int32', 'float16'];
