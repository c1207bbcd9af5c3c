/**
 * An experiment's trainings as resumable units. Each run (a seed's Single
 * teacher for one task, or one method for one seed; see plan.ts) trains into
 * its own folder `<root>/runs/<name>-<hash>/` with checkpoints, and on
 * finishing writes `record.json` (dev scores, log, and a teacher's
 * predictions). A rerun with resume takes finished units from their records,
 * resumes the unfinished one from its checkpoint, and so ends with the
 * results of an uninterrupted run. The queue's workers use the same folders
 * under their store, so both find each other's results.
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

/** What names a unit's folder: its readable name and its content address. */
export interface UnitId {
  name: string;
  hash: string;
}

/** Characters of the hash in the folder name: enough to never collide within a store. */
const HASH_CHARS = 16;

/** `<name>-<hash prefix>`: the unit's folder name, and its job id on the queue. */
export function unitKey(unit: UnitId): string {
  return `${unit.name}-${unit.hash.slice(0, HASH_CHARS)}`;
}

/** The unit's folder under a store (an experiment's --out, or the queue's --store). */
export function unitFolder(root: string, unit: UnitId): string {
  return join(root, 'runs', unitKey(unit));
}

export function recordPath(root: string, unit: UnitId): string {
  return join(unitFolder(root, unit), 'record.json');
}

/**
 * Runs `work` as `unit`, or returns its record if it finished before and the
 * store resumes. Without a store, `work` runs with no folder.
 */
export async function runUnit(store: UnitStore | null, unit: UnitId, work: (place: UnitPlace) => Promise<UnitRecord>): Promise<UnitRecord & { reused: boolean }> {
  if (!store) return { ...(await work({ resume: false })), reused: false };
  const { name } = unit;
  const dir = unitFolder(store.root, unit);
  const recordPath = join(dir, 'record.json');
  if (store.overwrite) await rm(dir, { recursive: true, force: true });
  else {
    const old = await readRecord(recordPath);
    if (old && store.resume) return { ...old, reused: true };
    if (old) throw new Error(`${recordPath} exists: pass --resume to reuse the finished runs of ${store.root}, or --overwrite to run them again`);
  }
  await makeDir(dir);
  const record = await work({ outputDir: dir, resume: store.resume, overwrite: store.overwrite });
  if (!reachedEnd(record)) {
    throw new Error(`run ${name} stopped before the end of its schedule; its checkpoint is in ${dir}: rerun with --resume to continue it`);
  }
  await writeRecord(recordPath, record);
  return { ...record, reused: false };
}

/** Only a run that reached the end of its schedule (its final eval logged) is recorded as done. */
export function reachedEnd(record: UnitRecord): boolean {
  const start = record.history.find((e) => e.type === 'start');
  const last = record.history[record.history.length - 1];
  return start?.type === 'start' && last?.type === 'eval' && last.step === start.totalSteps;
}

/** Writes a record whole (temporary name, then rename): a reader sees all of it or none. */
export async function writeRecord(path: string, record: UnitRecord): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFileNamed(tmp, JSON.stringify(record));
  await rename(tmp, path);
}

/** A unit's record, or null if it has none (not finished). */
export async function readRecord(path: string): Promise<UnitRecord | null> {
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
