/**
 * `bam experiment --queue`: the experiment's units as BullMQ jobs. Units with
 * a record in the store are not queued; the rest go in as flows, a student
 * the parent of the teacher jobs it needs, so it starts only when they have
 * finished. A job has one parent in BullMQ, so a teacher shared by several
 * students (the ablations) is the child of the first; the others find it
 * missing when they start and wait, delayed, until its record appears
 * (queue/worker.ts). Jobs still on the queue from an interrupted run are
 * kept as they are; the command then watches them and writes the results.
 */
import { FlowProducer, Queue, type FlowJob, type JobsOptions } from 'bullmq';
import { finishExperiment, type ExperimentOptions, type ExperimentResult } from '../experiment/experiment.js';
import { planExperiment, type UnitPlan } from '../experiment/plan.js';
import { readRecord, recordPath, unitKey, type UnitRecord } from '../experiment/run-units.js';
import { QUEUE_NAME, type DataSource, type UnitJobData } from './job.js';
import type { QueueConnection } from './url.js';
import { watchUnits } from './watch.js';

export interface QueueRun {
  connection: QueueConnection;
  /** The store the workers write to, as mounted here. */
  store: string;
  source: DataSource;
  /** Milliseconds between looks at the jobs' states. */
  pollMs: number;
  log: (line: string) => void;
}

/** Failures are final (UnrecoverableError); jobs stay in Redis after finishing, for inspection. */
const JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: false, removeOnFail: false };

export async function runExperimentOnQueue(o: ExperimentOptions, q: QueueRun): Promise<ExperimentResult> {
  const units = planExperiment(o);
  const records = new Map<string, UnitRecord>();
  for (const u of units) {
    const r = await readRecord(recordPath(q.store, u));
    if (r) records.set(u.name, r);
  }
  const missing = units.filter((u) => !records.has(u.name));
  q.log(`${units.length} units, ${units.length - missing.length} with results in ${q.store}, ${missing.length} to train`);
  if (missing.length > 0) {
    const connection = { ...q.connection, maxRetriesPerRequest: null };
    const queue = new Queue<UnitJobData>(QUEUE_NAME, { connection });
    const flows = new FlowProducer({ connection });
    // ioredis reconnects by itself; say once per kind of error that Redis is away, so a wrong port is not a silent hang.
    let last = '';
    const report = (e: Error) => {
      if (e.message !== last) q.log(`queue: ${e.message} (retrying)`);
      last = e.message;
    };
    queue.on('error', report);
    flows.on('error', report);
    try {
      await submit(queue, flows, missing, q);
      await watchUnits(queue, missing, q.store, records, q);
    } finally {
      await flows.close();
      await queue.close();
    }
  }
  return finishExperiment(o, units, records);
}

/** Queues the units that are not on the queue yet; finished or failed jobs without a record are queued again. */
async function submit(queue: Queue<UnitJobData>, flows: FlowProducer, missing: readonly UnitPlan[], q: QueueRun): Promise<void> {
  const onQueue = new Set<string>();
  for (const u of missing) {
    const job = await queue.getJob(unitKey(u));
    if (!job) continue;
    const state = await job.getState();
    if (state === 'completed' || state === 'failed' || state === 'unknown') {
      q.log(`${u.name}: ${state} on the queue but no result in the store: queued again`);
      await job.remove();
    } else onQueue.add(unitKey(u));
  }
  const byName = new Map(missing.map((u) => [u.name, u]));
  const claimed = new Set<string>();
  const node = (u: UnitPlan): FlowJob => ({ name: u.name, queueName: QUEUE_NAME, data: { unit: u, source: q.source }, opts: { ...JOB_OPTIONS, jobId: unitKey(u) } });
  const fresh = (u: UnitPlan | undefined): u is UnitPlan => u !== undefined && !onQueue.has(unitKey(u)) && !claimed.has(u.name);
  for (const student of missing.filter((u) => u.method !== 'single' && !onQueue.has(unitKey(u)))) {
    const children = student.teachers.map((t) => byName.get(t.unit)).filter(fresh);
    for (const c of children) claimed.add(c.name);
    // A failed teacher fails its student too, instead of leaving it waiting for ever.
    await flows.add({ ...node(student), children: children.map((c) => ({ ...node(c), opts: { ...node(c).opts, failParentOnFailure: true } })) });
  }
  for (const teacher of missing.filter((u) => u.method === 'single').filter(fresh)) await flows.add(node(teacher));
}
