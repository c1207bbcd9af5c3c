/**
 * @bamgpu/core — tensors, autograd, WGSL kernels, nn and optim on any
 * WebGPU device. Browser-safe: Node's Dawn lives in "@bamgpu/core/node".
 *
 * This file only re-exports (no side effects, see package.json's
 * sideEffects), so bundlers keep just what a program uses; init() (init.ts)
 * completes the tensor API. The reference below makes the published types
 * bring WebGPU's own (GPUDevice, …) to consumers with no extra settings.
 */
/// <reference types="@webgpu/types" preserve="true" />
export { init } from './init.js';
export { ShapeError, DTypeError, DeviceError, DisposedError } from './errors.js';
export { Runtime, type AdapterDescription, type KernelTime, type RuntimeOptions, type ScratchCache } from './runtime/runtime.js';
export type { AcquireOptions } from './runtime/acquire.js';
export {
  PROFILE_VALUES, pinnedValues, parseFlags, checkFlags, formatProfile,
  type DeviceProfile, type ProfileEntry, type ProfileFlags, type MatmulVariant, type RowVariant, type ReduceVariant,
} from './runtime/policy.js';
export { SettleEstimator, SLEEP_SHARE, type WaitKind, type WaitThrottle } from './runtime/settle.js';
export type { PoolStats } from './runtime/buffer-pool.js';
export { setDefaultRuntime, getDefaultRuntime, isGradEnabled } from './tensor/state.js';
export { Tensor } from './tensor/tensor.js';
export type { DType } from './tensor/dtype.js';
export type { Shape } from './tensor/shape.js';
export { scope, keep, noGrad, memory, type MemoryInfo } from './tensor/scope.js';
export { backward } from './autograd/backward.js';
export { Generator, manualSeed, defaultGenerator, type GeneratorState } from './random/generator.js';
export { SeededRng, Mulberry32, SplitMix32, hashString, deriveSeed, mix32 } from './random/streams.js';
export { listOps, type OpInfo } from './ops/registry.js';
export {
  tensor, zeros, ones, full, zerosLike, onesLike, arange, rand, randn,
  type CreateOptions, type TensorData, type NestedArray, type RandomOptions,
} from './ops/creation.js';
export {
  add, sub, mul, div, maximum, minimum, pow, neg, abs, exp, log, sqrt, rsqrt, square, reciprocal,
  tanh, sigmoid, relu, gelu, sin, cos, clamp, cast, eq, ne, lt, le, gt, ge, where, maskedFill,
} from './ops/elementwise.js';
export { sum, mean, max, min, argmax, argmin, sumTo, type ReduceOptions } from './ops/reduce.js';
export { reshape, flatten, squeeze, unsqueeze, expand, permute, transpose, slice, narrow, concat, stack, clone } from './ops/shape.js';
export { matmul, type MatmulOptions } from './ops/matmul.js';
export {
  softmax, logSoftmax, layerNorm, dropout, crossEntropy, mseLoss,
  type CrossEntropyOptions, type DropoutOptions,
} from './ops/nn.js';
export { indexSelect, embedding } from './ops/gather.js';
export { map } from './ops/map.js';
export * from './nn/index.js';
export { attention, MASKED_SCORE, type AttentionImpl, type AttentionOptions, type AttentionVariant } from './ops/attention.js';
export * from './optim/index.js';
export { knownIntRange } from './ops/creation.js';
export * from './io/safetensors.js';
export * from './io/half.js';
