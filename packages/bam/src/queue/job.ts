/**
 * What travels on the queue: one job per experiment unit (experiment/plan.ts),
 * its id the unit's key (`<name>-<hash prefix>`, also its folder in the
 * store), its data everything a worker needs to train it. Paths in it (GLUE
 * folder, model folder) must be the same on every machine; results go to
 * the worker's own --store, which all machines mount at some path.
 */
import type { UnitPlan } from '../experiment/plan.js';

export const QUEUE_NAME = 'bam-units';

/** Where a unit's tasks and tokenizer come from: the experiment's data flags. */
export interface DataSource {
  /** A glue_data folder (absolute) or "synthetic". */
  data: string;
  /** As given to --tasks (null: the whole synthetic suite). */
  tasks: string[] | null;
  scale: number;
  /** A Hugging Face folder (absolute): its vocab.txt is the tokenizer. */
  model?: string;
}

export interface UnitJobData {
  unit: UnitPlan;
  source: DataSource;
}

/** What a worker reports with job.updateProgress; resumedFrom: the checkpoint's step, when an earlier attempt left one. */
export interface UnitProgress {
  step: number;
  total: number;
  resumedFrom?: number;
}

export function isUnitProgress(p: unknown): p is UnitProgress {
  return typeof p === 'object' && p !== null && typeof (p as UnitProgress).step === 'number' && typeof (p as UnitProgress).total === 'number';
}
