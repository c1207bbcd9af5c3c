/**
 * init(): the one call every tensor program starts with (initNode() calls it
 * too). Its module is where the tensor API is completed: the op methods on
 * Tensor (`a.add(b)`, from ops/methods.js) and the tape's gradient
 * accumulation (installGradMath). They live here rather than in index.ts so
 * that index.ts has no side effects: a bundle that imports only
 * parseSafetensors (or bert's tokenizer) from the main entry then leaves the
 * ops and kernels out, while any program that calls init() gets them.
 * (The ops cannot import these themselves: methods.ts imports the ops.)
 */
import { installGradMath } from './autograd/backward.js';
import { onesLike } from './ops/creation.js';
import { add } from './ops/elementwise.js';
import './ops/methods.js';
import { acquireRuntime, type AcquireOptions } from './runtime/acquire.js';
import type { Runtime } from './runtime/runtime.js';
import { markTensorApiComplete, setDefaultRuntime } from './tensor/state.js';

installGradMath({ add: (a, b) => add(a, b), onesLike });
// From here tensors may be made (tensor/state.ts requireTensorApi).
markTensorApiComplete();

/** Acquires a GPU (or wraps `options.device`) and makes it the default for new tensors. */
export async function init(options: AcquireOptions = {}): Promise<Runtime> {
  const rt = await acquireRuntime(options);
  setDefaultRuntime(rt);
  return rt;
}
