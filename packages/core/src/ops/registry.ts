/**
 * Every op registers its name here, so the shared test helper can report
 * (and demand) coverage of all of them.
 */
export interface OpInfo {
  name: string;
  /** Has a gradient rule. */
  differentiable: boolean;
}

const ops = new Map<string, OpInfo>();

export function registerOp(name: string, differentiable: boolean): void {
  ops.set(name, { name, differentiable });
}

export function listOps(): OpInfo[] {
  return [...ops.values()].sort((a, b) => a.name.localeCompare(b.name));
}
