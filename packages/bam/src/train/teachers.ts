import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readPickle, writePickle, type PickleValue } from '../io/pickle.js';
import { NonFiniteError, assertFinite, firstNonFinite, nonFiniteName } from './finite-guard.js';
import type { Prediction } from './predict.js';
import { TeacherPredictionsError } from './teacher-error.js';

export { TeacherPredictionsError } from './teacher-error.js';

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
  return parseTeacherPredictions(bytes, path);
}

/**
 * Reads a predictions pickle: a dict of example id → logits (a list or numpy
 * array) or → one regression score. Ids must be non-negative integers, every
 * value finite, and every example must have the same number of outputs (the
 * teacher's label count, which checkTeacherCoverage compares with the task's).
 * Anything else is a TeacherPredictionsError (or a PickleError for a file
 * that is not a readable pickle) naming the file and the example.
 */
export function parseTeacherPredictions(bytes: Uint8Array, path: string): TeacherPredictions {
  const raw = readPickle(bytes, path);
  const fail = (problem: string): never => {
    throw new TeacherPredictionsError(path, problem);
  };
  if (!(raw instanceof Map)) return fail('expected a dict of example id → prediction');
  const out: TeacherPredictions = new Map();
  let outputs = -1;
  let first = 0;
  for (const [k, v] of raw) {
    if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 0) return fail(`example id ${describeKey(k)} is not a non-negative integer`);
    let p: Prediction;
    if (typeof v === 'number') p = v;
    else if (Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array) {
      const values: number[] = [];
      for (const x of v) values.push(typeof x === 'number' ? x : fail(`prediction for example ${k} holds a ${typeof x}, not a number`));
      p = values;
    } else return fail(`prediction for example ${k} is neither a number nor a list of logits`);
    const n = typeof p === 'number' ? 1 : p.length;
    if (outputs < 0) [outputs, first] = [n, k];
    else if (n !== outputs) fail(`example ${k} has ${n} outputs but example ${first} has ${outputs}; a teacher predicts one label count throughout`);
    const nonFinite = nonFiniteIn(p);
    if (nonFinite) fail(`prediction for example ${k}${nonFinite}; refused`);
    out.set(k, p);
  }
  return out;
}

function describeKey(k: PickleValue): string {
  if (typeof k === 'string') return JSON.stringify(k.slice(0, 40));
  if (typeof k === 'number' || typeof k === 'boolean' || k === null) return String(k);
  return Array.isArray(k) ? 'a list' : k instanceof Map ? 'a dict' : 'an array';
}

/** Where a prediction is not finite (", logit 0, is NaN" or " is Infinity"), in the words of the finite guard; null when finite. */
function nonFiniteIn(p: Prediction): string | null {
  if (typeof p === 'number') return Number.isFinite(p) ? null : ` is ${nonFiniteName(p)}`;
  const i = firstNonFinite(p);
  return i < 0 ? null : `, logit ${i}, is ${nonFiniteName(p[i])}`;
}

/**
 * Before writing: a teacher prediction must be finite numbers, as a NaN logit
 * would become a NaN target and a NaN model (reading refuses them too, as a
 * TeacherPredictionsError, in parseTeacherPredictions).
 */
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
  // Every example, not only the first: predictions may also be built in memory, unchecked.
  for (const [eid, p] of teacher) {
    const n = typeof p === 'number' ? 1 : p.length;
    if (n !== numOutputs) throw new TeacherPredictionsError(path, `teacher predictions for task "${task}": example ${eid} has ${n} outputs, the task has ${numOutputs}`);
  }
}
