import { map } from '../ops/map.js';
import { sum } from '../ops/reduce.js';
import { noGrad } from '../tensor/scope.js';
import { untrackTensor } from '../tensor/state.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Scales gradients in place so their global L2 norm is at most `maxNorm`
 * (torch.nn.utils.clip_grad_norm_). Returns the norm before clipping as a
 * one-element GPU tensor, so nothing waits on a readback. AdamW's
 * `maxGradNorm` does the same inside its fused step.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): Tensor {
  const list = [...params];
  return noGrad(() => {
    const grads = list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
    let total: Tensor | null = null;
    for (const g of grads) {
      const sq = map('sq', 'a * a', [g], 'float32');
      const s = sum(sq);
      sq.dispose();
      const next: Tensor = total ? map('acc', 'a + b', [total, s], 'float32') : s;
      if (total) {
        total.dispose();
        s.dispose();
      }
      total = next;
    }
    const norm = total ? map('sqrt', 'sqrt(a)', [total], 'float32') : map('zero', '0.0', [], 'float32', [], []);
    total?.dispose();
    for (const p of list) {
      const g = p.grad;
      if (!g) continue;
      const scaled = map('clip', 'a * min(1.0, p.s0 / (b + 1e-6))', [g, norm], 'float32', [{ type: 'f32', value: maxNorm }], g.shape);
      g.dispose();
      untrackTensor(scaled); // owned by the parameter, like any .grad
      p.grad = scaled;
    }
    return norm;
  });
}
