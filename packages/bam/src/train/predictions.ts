import type { BertMultiTask } from '@bamgpu/bert/node';
import type { Feature } from './features.js';
import { predict } from './predict.js';
import type { TrainTask } from './task.js';
import { teacherPredictionsPath, writeTeacherPredictions, type TeacherPredictions } from './teachers.js';

/**
 * A trained model's predictions on each task's own training features
 * (dropout off), keyed by example id — what a later student distils from.
 * Classification: raw logits; regression: the scalar in the scaled space.
 */
export async function predictTrainSets(
  model: BertMultiTask,
  tasks: readonly TrainTask[],
  trainFeatures: readonly Feature[][],
  batchSize: number,
): Promise<Map<string, TeacherPredictions>> {
  const out = new Map<string, TeacherPredictions>();
  for (let t = 0; t < tasks.length; t++) {
    const feats = trainFeatures[t];
    const preds = await predict(model, tasks[t].name, feats, batchSize, tasks[t].kind === 'regression');
    const m: TeacherPredictions = new Map();
    feats.forEach((f, i) => m.set(f.eid, preds[i]));
    out.set(tasks[t].name, m);
  }
  return out;
}

/** Writes them where the reference would: <modelDir>/outputs/<task>_train_predictions_<trial>.pkl. */
export async function writeTrainPredictions(modelDir: string, predictions: ReadonlyMap<string, TeacherPredictions>, trial = 1): Promise<string[]> {
  const paths: string[] = [];
  for (const [task, p] of predictions) {
    const path = teacherPredictionsPath(modelDir, task, trial);
    await writeTeacherPredictions(path, p);
    paths.push(path);
  }
  return paths;
}
