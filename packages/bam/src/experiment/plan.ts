/**
 * An experiment as a list of units, each with a content address. A unit is
 * one training: a seed's Single teacher for one task, or one multi-task
 * method for one seed. Its hash covers what decides its result — the full
 * training configuration, the data and tokenizer, and the hashes of the
 * teachers it distils from — so the local run and the queue agree on which
 * results exist and a finished unit is never trained again.
 */
import { createHash } from 'node:crypto';
import { Generator } from '@bamgpu/core';
import type { BertTokenizer } from '@bamgpu/bert/node';
import type { TrainConfig } from '../train/config.js';
import type { TrainTask } from '../train/task.js';
import { METHODS, type MethodName } from './methods.js';

export interface UnitPlan {
  /** Readable and unique within the experiment: `s<seed>-single-<task>` or `s<seed>-<method>`. */
  name: string;
  /** sha256 (hex) of the config, data and teachers; see unitHash. */
  hash: string;
  seed: number;
  /** The method of a student; teachers are `single`. */
  method: MethodName;
  /** Tasks it trains on, by name (one for a teacher). */
  tasks: string[];
  config: TrainConfig;
  /** The teacher units it distils from: unit name, address and task (empty unless the method needs teachers). */
  teachers: { unit: string; hash: string; task: string }[];
}

/** What plans an experiment (the part of ExperimentOptions it reads). */
export interface PlanInputs {
  tasks: readonly TrainTask[];
  tokenizer: BertTokenizer;
  /** Settings shared by every run (init, sequence length, seed is replaced per run). */
  base: Omit<TrainConfig, 'targets'>;
  /** Overrides for single-task runs (the teachers), e.g. more epochs. */
  single?: Partial<TrainConfig>;
  /** Overrides for multi-task runs. */
  multi?: Partial<TrainConfig>;
  methods: readonly MethodName[];
  seeds: readonly number[];
}

/** Settings that change where and how often a run writes, never what it computes. */
const NOT_IN_HASH = ['outputDir', 'resume', 'overwrite', 'progress', 'label', 'checkpointEvery', 'stopAfter'] as const;

/** JSON with object keys sorted, so equal values always hash alike. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hash of the examples (train and dev) of the tasks and of the tokenizer's vocabulary and settings. */
export function dataHash(tasks: readonly TrainTask[], tokenizer: BertTokenizer): string {
  const h = createHash('sha256');
  for (const t of tasks) h.update(canonical({ name: t.name, kind: t.kind, labels: t.labels, range: t.range, train: t.train, dev: t.dev }));
  h.update(tokenizer.convertIdsToTokens(Array.from({ length: tokenizer.vocabSize }, (_, i) => i)).join('\n'));
  h.update(canonical(tokenizer.settings));
  return h.digest('hex');
}

/** A unit's content address: its config (less NOT_IN_HASH), its tasks' data and its teachers' addresses. */
export function unitHash(config: TrainConfig, data: string, teacherHashes: readonly string[]): string {
  const c: Record<string, unknown> = { ...config };
  for (const k of NOT_IN_HASH) delete c[k];
  return sha256(canonical({ config: c, data, teachers: teacherHashes, rng: Generator.algorithm }));
}

function unitConfig(p: PlanInputs, over: Partial<TrainConfig> | undefined, seed: number, targets: TrainConfig['targets'], label: string): TrainConfig {
  return { ...p.base, ...over, seed, targets, label, outputDir: undefined, resume: false } as TrainConfig;
}

/**
 * The units in the order a single process trains them: per seed its
 * teachers (when Single or a distilling method is asked for), then each
 * multi-task method.
 */
export function planExperiment(p: PlanInputs): UnitPlan[] {
  const units: UnitPlan[] = [];
  const needSingle = p.methods.includes('single') || p.methods.some((m) => METHODS[m].needsTeachers);
  const dataOf = new Map(p.tasks.map((t) => [t.name, dataHash([t], p.tokenizer)]));
  const allData = dataHash(p.tasks, p.tokenizer);
  for (const seed of p.seeds) {
    const teachers: UnitPlan[] = [];
    if (needSingle) {
      for (const task of p.tasks) {
        const config = unitConfig(p, p.single, seed, { kind: 'gold' }, `single ${task.name} s${seed}`);
        teachers.push({ name: `s${seed}-single-${task.name}`, hash: unitHash(config, dataOf.get(task.name)!, []), seed, method: 'single', tasks: [task.name], config, teachers: [] });
      }
    }
    units.push(...teachers);
    for (const m of p.methods) {
      if (m === 'single') continue;
      const def = METHODS[m];
      const over: Partial<TrainConfig> = { ...p.multi };
      if (def.layerwiseDecay !== undefined) over.layerwiseDecay = def.layerwiseDecay;
      if (def.alpha !== undefined) over.mix = { ...(p.multi?.mix ?? p.base.mix), alpha: def.alpha };
      const config = unitConfig(p, over, seed, def.targets, `${def.label} s${seed}`);
      const mine = def.needsTeachers ? teachers : [];
      units.push({ name: `s${seed}-${m}`, hash: unitHash(config, allData, mine.map((t) => t.hash)), seed, method: m, tasks: p.tasks.map((t) => t.name), config, teachers: mine.map((t) => ({ unit: t.name, hash: t.hash, task: t.tasks[0] })) });
    }
  }
  return units;
}
