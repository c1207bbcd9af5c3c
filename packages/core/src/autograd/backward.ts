import { INIT_HINT, ShapeError, fmtShape } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { setGradEnabled, untrackTensor } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';
import type { GradNode } from './node.js';

/** Hooks the tape needs from the ops layer, injected to keep the import graph acyclic. */
export interface GradMath {
  add(a: Tensor, b: Tensor): Tensor;
  onesLike(t: Tensor): Tensor;
}

let math: GradMath | null = null;
export function installGradMath(m: GradMath): void {
  math = m;
}

/** The installed hooks; init()'s module installs them, so a program that skipped init() learns why here. */
function gradMath(): GradMath {
  if (!math) throw new Error(`backward() needs the ops layer: ${INIT_HINT}`);
  return math;
}

function accumulate(prev: Tensor | undefined, g: Tensor): Tensor {
  if (!prev) return g;
  const sum = gradMath().add(prev, g);
  prev.dispose();
  g.dispose();
  return sum;
}

/**
 * Reverse-mode sweep from `root`. Gradients of leaves that require grad are
 * added into their `.grad`; everything else is freed as soon as it has been
 * used, and the nodes passed through release their saved tensors.
 */
export function backward(root: Tensor, grad?: Tensor): void {
  gradMath();
  if (!root.requiresGrad) throw new Error(`backward(): ${root.describe()} does not require grad (no input it depends on has requiresGrad)`);
  if (!grad && root.size !== 1) throw new ShapeError(`backward(): ${root.describe()} is not a scalar; pass the gradient of the output explicitly`);
  if (grad && !sameShape(grad.shape, root.shape)) {
    throw new ShapeError(`backward(): gradient shape ${fmtShape(grad.shape)} does not match ${fmtShape(root.shape)}`);
  }
  const prev = setGradEnabled(false);
  try {
    const seed = grad ? grad.view(grad.shape, false) : gradMath().onesLike(root);
    if (!root.node) {
      root.grad = accumulate(root.grad ?? undefined, seed);
      untrackTensor(root.grad);
      return;
    }
    // Topological order of the nodes reachable from root.
    const order: GradNode[] = [];
    const seen = new Set<GradNode>();
    const stack: [GradNode, number][] = [[root.node, 0]];
    seen.add(root.node);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1]++;
        const child = node.inputs[i]?.node;
        if (child && !seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
    const pending = new Map<GradNode, Tensor>([[root.node, seed]]);
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k];
      const g = pending.get(node);
      pending.delete(node);
      if (!g) {
        node.free();
        continue;
      }
      // Rules may pass `g` straight through or return one tensor twice; give
      // each input its own handle (sharing storage) so each can be freed alone.
      const used = new Set<Tensor>();
      const grads = node.backward(g, node.saved).map((gi) => {
        if (!gi) return gi;
        const own = gi === g || used.has(gi) ? gi.view(gi.shape) : gi;
        used.add(own);
        return own;
      });
      g.dispose();
      node.inputs.forEach((input, j) => {
        const gi = grads[j];
        if (!input || !gi) {
          gi?.dispose();
          return;
        }
        if (!sameShape(gi.shape, input.shape)) {
          throw new Error(`internal: backward of "${node.op}" gave grad ${fmtShape(gi.shape)} for input ${fmtShape(input.shape)}`);
        }
        const leaf = input.leaf;
        if (input.node) pending.set(input.node, accumulate(pending.get(input.node), gi));
        else if (leaf && !leaf.isDisposed) {
          leaf.grad = accumulate(leaf.grad ?? undefined, gi);
          untrackTensor(leaf.grad); // owned by the leaf, not by any scope
        } else gi.dispose();
      });
      node.free();
    }
    for (const g of pending.values()) g.dispose();
  } finally {
    setGradEnabled(prev);
  }
}
