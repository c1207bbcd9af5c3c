import type { TargetMix } from '../distill/targets.js';
import type { Rule } from '../settings/rules.js';

/**
 * The paper's comparison and its ablations, each as a change to the
 * multi-task student's training. "single" trains one model per task (and
 * those models are the teachers of every distilling method in the same seed).
 */
export type MethodName =
  | 'single'
  | 'multi'
  | 'bam'
  | 'bam-lambda0'
  | 'bam-fixed-0.5'
  | 'bam-no-layerwise'
  | 'bam-no-sampling'
  | 'anneal-no-teacher';

export interface MethodDef {
  name: MethodName;
  label: string;
  description: string;
  /** Trains one model per task instead of one multi-task model. */
  perTask: boolean;
  targets: TargetMix;
  needsTeachers: boolean;
  /** Changes to the multi-task configuration. */
  layerwiseDecay?: number;
  alpha?: number;
}

export const METHODS: Readonly<Record<MethodName, MethodDef>> = {
  single: { name: 'single', label: 'Single', description: 'one model per task, gold labels (also the teachers)', perTask: true, targets: { kind: 'gold' }, needsTeachers: false },
  multi: { name: 'multi', label: 'Multi', description: 'one multi-task model, gold labels (= BAM without distillation)', perTask: false, targets: { kind: 'gold' }, needsTeachers: false },
  bam: { name: 'bam', label: 'BAM', description: 'multi-task student of the single-task teachers, annealed λ = step/total', perTask: false, targets: { kind: 'anneal' }, needsTeachers: true },
  'bam-lambda0': { name: 'bam-lambda0', label: 'BAM λ=0', description: 'no annealing: pure distillation throughout (λ = 0)', perTask: false, targets: { kind: 'fixed', teacherWeight: 1 }, needsTeachers: true },
  'bam-fixed-0.5': { name: 'bam-fixed-0.5', label: 'BAM mix 0.5', description: 'no annealing: a fixed 0.5 mix of teacher and gold', perTask: false, targets: { kind: 'fixed', teacherWeight: 0.5 }, needsTeachers: true },
  'bam-no-layerwise': { name: 'bam-no-layerwise', label: 'BAM no layer-wise LR', description: 'BAM with one learning rate for all layers', perTask: false, targets: { kind: 'anneal' }, needsTeachers: true, layerwiseDecay: 0 },
  'bam-no-sampling': { name: 'bam-no-sampling', label: 'BAM no task sampling', description: 'BAM with tasks mixed in proportion to their size (α = 1)', perTask: false, targets: { kind: 'anneal' }, needsTeachers: true, alpha: 1 },
  'anneal-no-teacher': { name: 'anneal-no-teacher', label: 'Anneal, no teacher', description: 'control: the annealing schedule on hard labels alone (uniform → gold), no teacher', perTask: false, targets: { kind: 'anneal-no-teacher' }, needsTeachers: false },
};

export const ALL_METHODS = Object.keys(METHODS) as MethodName[];

const splitList = (list: string): string[] => list.split(',').map((s) => s.trim()).filter(Boolean);
// Own keys only: `in` would take "constructor" or "toString" for a method.
const unknownMethod = (names: readonly string[]): string | undefined => names.find((n) => !Object.hasOwn(METHODS, n));

export function parseMethods(list: string): MethodName[] {
  const names = splitList(list);
  const bad = unknownMethod(names);
  if (bad !== undefined) throw new Error(`unknown method "${bad}"; valid: ${ALL_METHODS.join(', ')}`);
  return names as MethodName[];
}

/**
 * The rule of every method-list flag (--methods, --against): at least one
 * method, each by name. Checked as the flags are parsed, so a bad list is a
 * usage error naming its flag before any GPU work.
 */
export const methodList: Rule = (v) => {
  if (typeof v !== 'string') return `must be a comma-separated list of methods, got ${typeof v}`;
  const names = splitList(v);
  if (names.length === 0) return `names no method; valid: ${ALL_METHODS.join(', ')}`;
  const bad = unknownMethod(names);
  return bad === undefined ? null : `has an unknown method "${bad}"; valid: ${ALL_METHODS.join(', ')}`;
};
