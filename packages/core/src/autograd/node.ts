import type { Tensor } from '../tensor/tensor.js';

/**
 * Computes the gradients of an op's inputs from the gradient of its output.
 * Returns one entry per input (null where no gradient flows). Runs with
 * gradient recording off, using the ops themselves.
 */
export type BackwardFn = (grad: Tensor, saved: readonly Tensor[]) => readonly (Tensor | null | undefined)[];

let nextNodeId = 0;

/**
 * Where an input's gradient goes: into the node that produced it, or (for a
 * leaf that requires grad) into the tensor's `.grad`. Captured when the op is
 * recorded, so disposing an intermediate tensor doesn't cut the graph.
 */
export interface Edge {
  node: GradNode | null;
  leaf: Tensor | null;
  shape: readonly number[];
}

/**
 * One recorded op on the tape. A node keeps its saved tensors alive (as
 * handles sharing their storage) until backward has passed through it or no
 * tensor downstream can reach it any more — reference counts decide which.
 */
export class GradNode {
  readonly id = nextNodeId++;
  private refs = 1;
  private freed = false;

  constructor(
    readonly op: string,
    /** Graph edges, one per input; null for inputs that don't require grad. */
    readonly inputs: readonly (Edge | null)[],
    private savedTensors: Tensor[],
    readonly backward: BackwardFn,
  ) {
    for (const e of inputs) e?.node?.retain();
  }

  get saved(): readonly Tensor[] {
    if (this.freed) {
      throw new Error(`backward through "${this.op}" a second time: its saved tensors were already freed (call backward once per forward)`);
    }
    return this.savedTensors;
  }

  get isFreed(): boolean {
    return this.freed;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs === 0) {
      this.free();
      for (const e of this.inputs) e?.node?.release();
    }
  }

  /** Drops saved tensors; the node can no longer run backward. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    for (const t of this.savedTensors) t.dispose();
    this.savedTensors = [];
  }
}
