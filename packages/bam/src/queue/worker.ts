/**
 * A queue worker: takes unit jobs, trains each into its folder in the store
 * (periodic checkpoints), reports progress on the job, writes the unit's
 * record when done. A job whose record already exists finishes at once.
 *
 * Dead workers: a job whose worker is killed outright stops renewing its
 * lock, BullMQ's stalled-job check puts it back in the queue, and the next
 * worker resumes from the last checkpoint in the unit's folder. On stop()
 * (SIGTERM) the running trainings stop after their current step with a
 * checkpoint and their jobs go back to the queue. Training errors (bad data,
 * a non-finite loss) fail the job for good, with the message on the job.
 */
import { hostname } from 'node:os';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DelayedError, Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { BertTokenizer } from '@bamgpu/bert/node';
import { dataHash, unitHash, type UnitPlan } from '../experiment/plan.js';
import { reachedEnd, readRecord, recordPath, unitFolder, unitKey, writeRecord, type UnitRecord } from '../experiment/run-units.js';
import { trainUnit } from '../experiment/train-unit.js';
import { makeDir } from '../io/fs-safe.js';
import { LOCK_FILE, OutputLockedError } from '../train/output-lock.js';
import type { TrainTask } from '../train/task.js';
import { QUEUE_NAME, type DataSource, type UnitJobData, type UnitProgress } from './job.js';
import type { QueueConnection } from './url.js';

export interface WorkerSettings {
  connection: QueueConnection;
  /** The shared store: unit folders go to <store>/runs/. */
  store: string;
  /** Jobs trained at once by this process. */
  concurrency: number;
  /** BullMQ lockDuration: a job whose worker has not renewed its lock for this long is stalled. */
  lockMs: number;
  /** BullMQ stalledInterval: how often workers look for stalled jobs. */
  stalledMs: number;
  /** BullMQ maxStalledCount: stalls after which a job fails instead of going back to the queue. */
  maxStalled: number;
  /** How long a student whose teachers have no record yet waits (delayed, holding no slot) before looking again. */
  teacherWaitMs: number;
  /** Shown as the job's processedBy and in log lines. */
  name: string;
  /** Loads a unit's tasks and tokenizer from its data source. */
  load: (source: DataSource) => Promise<{ tasks: TrainTask[]; tokenizer: BertTokenizer }>;
  log: (line: string) => void;
}

export interface RunningWorker {
  /** Stops taking jobs, checkpoints the running ones and hands them back; resolves when closed. */
  stop(): Promise<void>;
  /** Resolves when the worker has closed. */
  closed: Promise<void>;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function defaultWorkerName(): string {
  return `${hostname()}:${process.pid}`;
}

export function startWorker(s: WorkerSettings): RunningWorker {
  let stopping = false;
  const trainings = new Set<Promise<UnitRecord>>();
  // Loaded data and their hashes, kept per source: every unit of an experiment shares them.
  const loaded = new Map<string, Promise<{ tasks: TrainTask[]; tokenizer: BertTokenizer }>>();
  const hashes = new Map<string, string>();
  const load = (source: DataSource) => {
    const key = JSON.stringify(source);
    if (!loaded.has(key)) loaded.set(key, s.load(source).catch((e: unknown) => { loaded.delete(key); throw e; }));
    return loaded.get(key)!;
  };
  const processor = async (job: Job<UnitJobData>, token?: string): Promise<{ hash: string }> => {
    const { unit, source } = job.data;
    const id = unitKey(unit);
    if (await readRecord(recordPath(s.store, unit))) {
      s.log(`${id}: its result is already in the store`);
      return { hash: unit.hash };
    }
    const teachers = await teacherRecords(s.store, unit);
    if (!teachers) {
      await failIfTeacherCannotFinish(unit);
      await job.moveToDelayed(Date.now() + s.teacherWaitMs, token);
      throw new DelayedError();
    }
    const record = await train(job, unit, teachers, await checkedInputs(unit, source));
    if (record === 'busy') {
      // A live process on this machine still trains it (its job came back after Redis lost its lock): wait for it.
      s.log(`${id}: its folder is in use by another live process; looking again in ${s.teacherWaitMs} ms`);
      await job.moveToDelayed(Date.now() + s.teacherWaitMs, token);
      throw new DelayedError();
    }
    if (!record) {
      await job.moveToWait(token);
      s.log(`${id}: stopped with a checkpoint and handed back to the queue`);
      throw new WaitingError();
    }
    await writeRecord(recordPath(s.store, unit), record);
    s.log(`${id}: done`);
    return { hash: unit.hash };
  };

  /** A student waiting for a teacher that failed, or that is on no queue, would wait for ever: fail it instead. */
  const failIfTeacherCannotFinish = async (unit: UnitPlan) => {
    for (const t of unit.teachers) {
      if (await readRecord(recordPath(s.store, { name: t.unit, hash: t.hash }))) continue;
      const id = unitKey({ name: t.unit, hash: t.hash });
      const teacherJob = await queue.getJob(id);
      const state = teacherJob ? await teacherJob.getState() : 'missing';
      if (state === 'failed' || state === 'missing' || state === 'unknown') {
        throw new UnrecoverableError(`${unitKey(unit)}: its teacher ${id} ${state === 'failed' ? `failed: ${teacherJob!.failedReason}` : 'is neither finished nor queued'}`);
      }
    }
  };

  /** The unit's inputs, checked against its address: a worker whose data differ from the producer's must not train it. */
  const checkedInputs = async (unit: UnitPlan, source: DataSource) => {
    let inputs: { tasks: TrainTask[]; tokenizer: BertTokenizer };
    try {
      inputs = await load(source);
    } catch (e) {
      throw new UnrecoverableError(`${unitKey(unit)}: cannot load its data (${source.data}): ${errorText(e)}`);
    }
    const key = `${JSON.stringify(source)} ${unit.tasks.join(',')}`;
    if (!hashes.has(key)) {
      const tasks = unit.tasks.map((n) => inputs.tasks.find((t) => t.name === n));
      hashes.set(key, tasks.every((t) => t) ? dataHash(tasks as TrainTask[], inputs.tokenizer) : '');
    }
    const data = hashes.get(key)!;
    if (unitHash(unit.config, data, unit.teachers.map((t) => t.hash)) !== unit.hash) {
      throw new UnrecoverableError(`${unitKey(unit)}: the data this worker loads from ${source.data} differ from the experiment's (another copy, or changed since); mount the same data on every machine`);
    }
    return inputs;
  };

  /** Trains, resuming from the unit folder's checkpoint; null if stopped before the end (stop()), 'busy' if its folder is locked by a live process. */
  const train = async (job: Job<UnitJobData>, unit: UnitPlan, teachers: Map<string, UnitRecord>, inputs: { tasks: TrainTask[]; tokenizer: BertTokenizer }) => {
    const id = unitKey(unit);
    const dir = unitFolder(s.store, unit);
    await makeDir(dir);
    await takeOverForeignLock(dir, s.log);
    let progress: UnitProgress = { step: 0, total: 0 };
    const report = (p: UnitProgress) => {
      progress = p;
      // Progress is advisory: a Redis that is restarting must not fail the training.
      job.updateProgress({ ...p }).catch(() => undefined);
    };
    try {
      const running = trainUnit(unit, inputs.tasks, inputs.tokenizer, teachers, { outputDir: dir, resume: true }, {
        onReady: (step, total) => {
          s.log(step > 0 ? `${id}: resumed from step ${step}/${total} (checkpoint in ${dir})` : `${id}: training, ${total} steps`);
          report({ step, total, ...(step > 0 ? { resumedFrom: step } : {}) });
        },
        onEvent: (e) => {
          if (e.type === 'step') report({ ...progress, step: e.step });
        },
        shouldStop: () => stopping,
      });
      trainings.add(running);
      const record = await running.finally(() => trainings.delete(running));
      return reachedEnd(record) ? record : null;
    } catch (e) {
      if (e instanceof OutputLockedError) return 'busy' as const;
      throw new UnrecoverableError(`${id}: ${errorText(e)}`);
    }
  };

  const connection = { ...s.connection, maxRetriesPerRequest: null };
  // For looking up teachers' jobs; its connection errors repeat the worker's, which are reported.
  const queue = new Queue<UnitJobData>(QUEUE_NAME, { connection });
  queue.on('error', () => undefined);
  const worker = new Worker<UnitJobData>(QUEUE_NAME, processor, {
    connection,
    concurrency: s.concurrency,
    name: s.name,
    lockDuration: s.lockMs,
    stalledInterval: s.stalledMs,
    maxStalledCount: s.maxStalled,
  });
  let lastError = '';
  worker.on('error', (e) => {
    // While Redis is away every retry errors alike: say it once.
    if (e.message !== lastError) s.log(`queue: ${e.message}`);
    lastError = e.message;
  });
  worker.on('failed', (job, e) => {
    if (job && !(e instanceof DelayedError) && !(e instanceof WaitingError)) s.log(`${job.id}: failed: ${e.message}`);
  });
  let markClosed = () => {};
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  worker.once('closed', () => markClosed());
  return {
    closed,
    async stop() {
      stopping = true;
      const closing = worker.close();
      // The trainings checkpoint to the store whether Redis answers or not. Once they have, a Redis that
      // is away must not keep the process alive: their jobs will be found stalled and resumed from there.
      await Promise.allSettled([...trainings]);
      if (!(await within(closing, CLOSE_GRACE_MS))) {
        s.log(`Redis did not answer within ${CLOSE_GRACE_MS / 1000} s: closing without handing jobs back (they resume from their checkpoints once found stalled)`);
        await within(Promise.all([worker.close(true), queue.close()]), CLOSE_GRACE_MS);
      } else await within(queue.close(), CLOSE_GRACE_MS);
      markClosed();
    },
  };
}

/** How long a stopping worker waits for Redis once its trainings have checkpointed. */
const CLOSE_GRACE_MS = 5_000;

/** Whether `p` settles within `ms`. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = p.then(() => true as const, () => true as const);
  try {
    return await Promise.race([done, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Records of a student's teachers, or null while one of them has none yet. */
async function teacherRecords(store: string, unit: UnitPlan): Promise<Map<string, UnitRecord> | null> {
  const out = new Map<string, UnitRecord>();
  for (const t of unit.teachers) {
    const r = await readRecord(recordPath(store, { name: t.unit, hash: t.hash }));
    if (!r) return null;
    out.set(t.unit, r);
  }
  return out;
}

/**
 * A folder lock left by a worker on another machine is one this process
 * cannot check (its pid means nothing here). BullMQ gives a job to one worker
 * at a time, and this one holds it now, so such a lock is stale: remove it.
 * Locks from this machine are left to the lock's own pid check.
 */
async function takeOverForeignLock(dir: string, log: (line: string) => void): Promise<void> {
  const path = join(dir, LOCK_FILE);
  let owner: { host?: unknown } | null = null;
  try {
    owner = JSON.parse(await readFile(path, 'utf8')) as { host?: unknown };
  } catch {
    return;
  }
  if (owner && typeof owner.host === 'string' && owner.host !== hostname()) {
    log(`${dir}: taking over the lock of a worker on ${owner.host}, whose job this worker now holds`);
    await rm(path, { force: true });
  }
}
