import { DTypeError, DeviceError, DisposedError, fmtShape } from '../errors.js';
import type { GradNode } from '../autograd/node.js';
import type { BufferRange } from '../runtime/kernel.js';
import type { Runtime } from '../runtime/runtime.js';
import { bytesPerElement, type DType } from './dtype.js';
import { numel, type Shape } from './shape.js';
import { noteDisposed, trackTensor, untrackTensor } from './state.js';
import { Storage } from './storage.js';

let nextTensorId = 0;

/**
 * An n-dimensional array in GPU memory. Always contiguous, row-major:
 * permutes and slices produce copies, reshapes share storage. Tensors made
 * by ops on tensors that require grad carry the tape node that made them.
 */
export class Tensor {
  readonly id = nextTensorId++;
  readonly shape: readonly number[];
  /** Element count (the shape never changes, and ops read it on every call). */
  readonly size: number;
  readonly dtype: DType;
  readonly runtime: Runtime;
  /** Gradient accumulated by backward(); owned by this tensor. */
  grad: Tensor | null = null;
  /** Whether ops on this tensor are recorded for backward. */
  requiresGrad: boolean;
  /** The op that produced this tensor, when it was recorded. */
  node: GradNode | null = null;
  /** Optional name used in error messages (parameters get theirs). */
  name: string | undefined;
  private storageRef: Storage | null;

  constructor(storage: Storage, shape: Shape, dtype: DType, requiresGrad = false, track = true) {
    this.storageRef = storage;
    this.runtime = storage.runtime;
    this.shape = Object.freeze([...shape]);
    this.size = numel(shape);
    this.dtype = dtype;
    this.requiresGrad = requiresGrad;
    trackTensor(this, track);
  }

  /** A new tensor of the given shape whose contents are undefined until a kernel writes them. */
  static empty(runtime: Runtime, shape: Shape, dtype: DType): Tensor {
    const bytes = numel(shape) * bytesPerElement(dtype);
    return new Tensor(Storage.allocate(runtime, bytes), shape, dtype);
  }

  get rank(): number {
    return this.shape.length;
  }

  get byteLength(): number {
    return this.size * bytesPerElement(this.dtype);
  }

  get isDisposed(): boolean {
    return this.storageRef === null;
  }

  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The storage; throws if disposed. */
  get storage(): Storage {
    if (!this.storageRef) throw new DisposedError(`${this.describe()} was used after dispose()`);
    return this.storageRef;
  }

  /** The buffer range a kernel binds to read or write this tensor. */
  binding(): BufferRange {
    const s = this.storage;
    return { buffer: s.buffer, offset: s.byteOffset, size: this.byteLength };
  }

  describe(): string {
    return `tensor${this.name ? ` "${this.name}"` : ''} ${fmtShape(this.shape)} ${this.dtype}`;
  }

  /** A new handle on the same storage with a different shape (same element count). */
  view(shape: Shape, track = true): Tensor {
    return new Tensor(this.storage.retain(), shape, this.dtype, false, track);
  }

  /** Points this tensor at other storage (used to move parameters into an optimiser's arena). */
  replaceStorage(storage: Storage): void {
    const old = this.storage;
    if (storage.byteLength < this.byteLength) throw new Error(`replaceStorage: ${storage.byteLength} bytes is too small for ${this.describe()}`);
    if (storage.runtime !== old.runtime) throw new DeviceError('replaceStorage: storage belongs to another device');
    this.storageRef = storage;
    old.release();
  }

  /** Copies the contents to the CPU. */
  async data(): Promise<Float32Array | Int32Array> {
    if (this.dtype === 'float16') throw new DTypeError(`${this.describe()}: call .cast('float32') before data()`);
    const bytes = await this.runtime.read(this.binding(), this.byteLength);
    return this.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new DTypeError(`item(): ${this.describe()} has ${this.size} elements, expected 1`);
    return (await this.data())[0];
  }

  /** Releases the GPU memory (when no view or saved copy still shares it). Idempotent. */
  dispose(): void {
    if (!this.storageRef) return;
    this.storageRef.release();
    this.storageRef = null;
    this.grad?.dispose();
    this.grad = null;
    const node = this.node;
    this.node = null;
    node?.release();
    untrackTensor(this);
    noteDisposed();
  }

  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}
