/**
 * Trains one planned unit, the same way wherever it runs (the local
 * experiment or a queue worker): a teacher also predicts its training set,
 * which its students distil from; a student gets its teachers' predictions
 * from their records.
 */
import type { BertTokenizer } from '@bamgpu/bert/node';
import { predictTrainSets } from '../train/predictions.js';
import type { TrainTask } from '../train/task.js';
import type { TeacherPredictions } from '../train/teachers.js';
import { train, type TrainInputs } from '../train/trainer.js';
import type { UnitPlan } from './plan.js';
import type { UnitPlace, UnitRecord } from './run-units.js';

/** Hooks of a unit's training: progress and a cooperative stop (see TrainInputs). */
export type UnitHooks = Pick<TrainInputs, 'onEvent' | 'onReady' | 'shouldStop'>;

export async function trainUnit(
  unit: UnitPlan,
  allTasks: readonly TrainTask[],
  tokenizer: BertTokenizer,
  teacherRecords: ReadonlyMap<string, UnitRecord>,
  place: UnitPlace,
  hooks: UnitHooks = {},
): Promise<UnitRecord> {
  const t0 = performance.now();
  const tasks = unit.tasks.map((n) => {
    const t = allTasks.find((x) => x.name === n);
    if (!t) throw new Error(`unit ${unit.name}: task "${n}" is not in the loaded data`);
    return t;
  });
  let teachers: Map<string, { predictions: TeacherPredictions; source: string }> | undefined;
  if (unit.teachers.length > 0) {
    teachers = new Map();
    for (const { unit: name, task } of unit.teachers) {
      const r = teacherRecords.get(name);
      if (!r?.teacher) throw new Error(`unit ${unit.name}: the record of its teacher ${name} holds no predictions`);
      teachers.set(task, { predictions: new Map(r.teacher), source: `Single ${task} (seed ${unit.seed})` });
    }
  }
  const t = await train({ tasks, tokenizer, config: { ...unit.config, ...place }, teachers, ...hooks });
  try {
    const done = t.steps >= t.totalSteps;
    const teacher = unit.method === 'single' && done ? [...(await predictTrainSets(t.model, tasks, t.trainFeatures, unit.config.evalBatchSize)).get(tasks[0].name)!] : undefined;
    return { dev: t.dev, history: t.history, seconds: (performance.now() - t0) / 1000, ...(teacher ? { teacher } : {}) };
  } finally {
    t.model.dispose();
  }
}
