import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readPickle, writePickle, type PickleValue } from '../io/pickle.js';
import { NonFiniteError, assertFinite, firstNonFinite } from './finite-guard.js';
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
  for (const [eid, p] of predictions) {
    assertFinitePrediction(p, `teacher prediction for example ${eid} (to be written to ${path})`);
    value.set(eid, p);
  }
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
    let p: Prediction;
    if (typeof v === 'number') p = v;
    else if (Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array) p = Array.from(v as ArrayLike<number>);
    else throw new Error(`${path}: prediction for example ${k} is neither a number nor a list of logits`);
    assertFinitePrediction(p, `${path}: prediction for example ${k}`);
    out.set(k, p);
  }
  return out;
}

/** A teacher prediction must be finite numbers: a NaN logit would become a NaN target and a NaN model. */
function assertFinitePrediction(p: Prediction, what: string): void {
  if (typeof p === 'number') return assertFinite(p, { what });
  if (p.some((x) => typeof x !== 'number')) throw new NonFiniteError(`${what} holds a value that is not a number`);
  const i = firstNonFinite(p);
  if (i >= 0) assertFinite(p[i], { what: `${what}, logit ${i},` });
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
