import { ShapeError, fmtShape } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { untrackTensor } from '../tensor/state.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A trainable tensor: requires grad, and is owned by its module rather than
 * by any scope (scope() never disposes it).
 */
export function parameter(t: Tensor, name?: string): Tensor {
  untrackTensor(t);
  t.requiresGrad = true;
  if (name) t.name = name;
  return t;
}

/**
 * Base class of layers. Parameters and sub-modules are discovered from the
 * instance's own properties in insertion order — tensors with requiresGrad,
 * Modules, and arrays of Modules (indexed 0, 1, …) — so the dotted names
 * (`encoder.layer.0.attention.self.query.weight`) follow the code's structure
 * exactly as PyTorch's do.
 */
export abstract class Module {
  training = true;

  /** Properties never treated as children (e.g. back-references). */
  protected static readonly skip: ReadonlySet<string> = new Set(['training']);

  *namedChildren(): Generator<[string, Module]> {
    for (const [key, value] of Object.entries(this)) {
      if ((this.constructor as typeof Module).skip.has(key)) continue;
      if (value instanceof Module) yield [key, value];
      else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        for (let i = 0; i < value.length; i++) yield [`${key}.${i}`, value[i] as Module];
      }
    }
  }

  *namedParameters(prefix = ''): Generator<[string, Tensor]> {
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Tensor && value.requiresGrad) yield [prefix + key, value];
    }
    for (const [name, child] of this.namedChildren()) yield* child.namedParameters(`${prefix}${name}.`);
  }

  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  *modules(): Generator<Module> {
    yield this;
    for (const [, child] of this.namedChildren()) yield* child.modules();
  }

  train(on = true): this {
    for (const m of this.modules()) m.training = on;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient (disposing it). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /**
   * Copies values into parameters by name. Returns the names that were
   * missing from `state` and the names in `state` with no parameter; shape
   * mismatches throw naming the parameter.
   */
  loadStateDict(state: Map<string, Float32Array> | Record<string, Float32Array>, shapes?: Map<string, readonly number[]>): { missing: string[]; unexpected: string[] } {
    const entries = state instanceof Map ? state : new Map(Object.entries(state));
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const [name, p] of this.namedParameters()) {
      const data = entries.get(name);
      if (!data) {
        missing.push(name);
        continue;
      }
      seen.add(name);
      const shape = shapes?.get(name);
      if ((shape && !sameShape(shape, p.shape)) || data.length !== p.size) {
        throw new ShapeError(`loadStateDict: "${name}" has shape ${shape ? fmtShape(shape) : `[${data.length}]`} but the model expects ${fmtShape(p.shape)}`);
      }
      p.runtime.upload(p.binding(), data);
    }
    const unexpected = [...entries.keys()].filter((k) => !seen.has(k));
    return { missing, unexpected };
  }

  /** Reads every parameter back to the CPU, by name. */
  async stateDict(): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, p] of this.namedParameters()) {
      out.set(name, { shape: [...p.shape], data: (await p.data()) as Float32Array });
    }
    return out;
  }

  /** Frees every parameter (and its gradient). */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }
}
