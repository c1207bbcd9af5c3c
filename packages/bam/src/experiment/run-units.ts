/**
 * An experiment's trainings as resumable units. Each run (a seed's Single
 * teacher for one task, or one method for one seed) trains into its own
 * folder `<out>/runs/<name>/` with checkpoints, and on finishing writes
 * `record.json` (dev scores, log, and a teacher's predictions). A rerun with
 * resume takes finished units from their records, resumes the unfinished one
 * from its checkpoint, and so ends with the results of an uninterrupted run.
 */
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDir, writeFileNamed } from '../io/fs-safe.js';
import type { TaskScores } from '../train/evaluate.js';
import type { Prediction } from '../train/predict.js';
import type { LogEvent } from '../train/trainer.js';

/** What a finished unit leaves for the experiment's summary. */
export interface UnitRecord {
  dev: Record<string, TaskScores>;
  history: LogEvent[];
  seconds: number;
  /** A Single unit's predictions on its training set, by example id (its students' teacher). */
  teacher?: [number, Prediction][];
}

export interface UnitStore {
  /** The experiment's output folder; units go under `runs/`. */
  root: string;
  /** Take finished units from their records and resume the unfinished one. */
  resume: boolean;
  /** Start every unit afresh, replacing what the folder holds. */
  overwrite?: boolean;
}

/** Settings a unit's training gets: its folder and whether to resume there. */
export interface UnitPlace {
  outputDir?: string;
  resume: boolean;
  overwrite?: boolean;
}

/**
 * Runs `work` as the unit `name`, or returns its record if it finished
 * before and the store resumes. Without a store, `work` runs with no folder.
 */
export async function runUnit(store: UnitStore | null, name: string, work: (place: UnitPlace) => Promise<UnitRecord>): Promise<UnitRecord & { reused: boolean }> {
  if (!store) return { ...(await work({ resume: false })), reused: false };
  const dir = join(store.root, 'runs', name);
  const recordPath = join(dir, 'record.json');
  if (store.overwrite) await rm(dir, { recursive: true, force: true });
  else {
    const old = await readRecord(recordPath);
    if (old && store.resume) return { ...old, reused: true };
    if (old) throw new Error(`${recordPath} exists: pass --resume to reuse the finished runs of ${store.root}, or --overwrite to run them again`);
  }
  await makeDir(dir);
  const record = await work({ outputDir: dir, resume: store.resume, overwrite: store.overwrite });
  // Only a run that reached the end of its schedule (its final eval logged) is recorded as done.
  const start = record.history.find((e) => e.type === 'start');
  const last = record.history[record.history.length - 1];
  if (start?.type !== 'start' || last?.type !== 'eval' || last.step !== start.totalSteps) {
    throw new Error(`run ${name} stopped before the end of its schedule; its checkpoint is in ${dir}: rerun with --resume to continue it`);
  }
  const tmp = `${recordPath}.tmp-${process.pid}`;
  await writeFileNamed(tmp, JSON.stringify(record));
  await rename(tmp, recordPath);
  return { ...record, reused: false };
}

async function readRecord(path: string): Promise<UnitRecord | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as UnitRecord;
  } catch (e) {
    throw new Error(`${path}: unreadable run record (${e instanceof Error ? e.message : e}); delete it to run that unit again`);
  }
}
