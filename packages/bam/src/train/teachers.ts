import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readPickle, writePickle, type PickleValue } from '../io/pickle.js';
import type { Prediction } from './predict.js';

/** A teacher's predictions on its task's training set, keyed by example id. */
export type TeacherPredictions = Map<number, Prediction>;

/** Where the reference puts them: models/<teacher>/outputs/<task>_train_predictions_<trial>.pkl. */
export function teacherPredictionsPath(modelDir: string, task: string, trial = 1): string {
  return join(modelDir, 'outputs', `${task}_train_predictions_${trial}.pkl`);
}

export async function writeTeacherPredictions(path: string, predictions: TeacherPredictions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const value = new Map<PickleValue, PickleValue>();
  for (const [eid, p] of predictions) value.set(eid, p);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, writePickle(value));
  await rename(tmp, path);
}

export async function readTeacherPredictions(path: string, task: string): Promise<TeacherPredictions> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch {
    throw new Error(`missing teacher predictions for task "${task}": expected ${path} (train the teacher first, e.g. \`bam train --tasks ${task}\`, which writes it)`);
  }
  const raw = readPickle(bytes, path);
  if (!(raw instanceof Map)) throw new Error(`${path}: expected a dict of example id → prediction`);
  const out: TeacherPredictions = new Map();
  for (const [k, v] of raw) {
    if (typeof k !== 'number') throw new Error(`${path}: example id ${String(k)} is not an integer`);
    if (typeof v === 'number') out.set(k, v);
    else if (Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array) out.set(k, Array.from(v as ArrayLike<number>));
    else throw new Error(`${path}: prediction for example ${k} is neither a number nor a list of logits`);
  }
  return out;
}

/**
 * Refuses a student whose training examples the teacher did not predict
 * (different data, or a different double_unordered setting).
 */
export function checkTeacherCoverage(task: string, eids: readonly number[], teacher: TeacherPredictions, path: string, numOutputs: number): void {
  const missing = eids.filter((e) => !teacher.has(e));
  if (missing.length > 0) {
    throw new Error(
      `teacher predictions for task "${task}" (${path}) lack ${missing.length} of the student's ${eids.length} training example ids ` +
        `(first: ${missing.slice(0, 5).join(', ')}); the teacher must be trained on the same data with the same symmetric-pairs setting`,
    );
  }
  for (const [eid, p] of teacher) {
    const n = typeof p === 'number' ? 1 : p.length;
    if (n !== numOutputs) throw new Error(`teacher predictions for task "${task}" (${path}): example ${eid} has ${n} outputs, the task has ${numOutputs}`);
    break;
  }
}
