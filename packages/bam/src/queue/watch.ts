/**
 * Live progress of queued units, by polling each job's state: queued,
 * waiting for its teachers, running on which worker (step/total, and the
 * step it resumed from), done, failed. Polling rather than QueueEvents'
 * stream: it needs no stream position, so it goes on unchanged after Redis
 * restarts (ioredis reconnects; a poll waits while Redis is away).
 */
import type { Job, Queue } from 'bullmq';
import type { UnitPlan } from '../experiment/plan.js';
import { readRecord, recordPath, unitKey, type UnitRecord } from '../experiment/run-units.js';
import { isUnitProgress, type UnitJobData } from './job.js';

export interface WatchSettings {
  source: UnitJobData['source'];
  pollMs: number;
  log: (line: string) => void;
}

function describe(job: Job<UnitJobData>, state: string): string {
  switch (state) {
    case 'waiting':
    case 'prioritized':
      return 'queued';
    case 'waiting-children':
      return 'waiting for its teachers';
    case 'delayed':
      return 'waiting (a teacher unfinished, or its folder in use)';
    case 'active': {
      const p = isUnitProgress(job.progress) ? job.progress : null;
      const where = `running on ${job.processedBy ?? 'a worker'}`;
      if (!p || p.total === 0) return where;
      return `${where}, step ${p.step}/${p.total}${p.resumedFrom !== undefined ? ` (resumed from step ${p.resumedFrom})` : ''}`;
    }
    case 'completed':
      return 'done';
    case 'failed':
      return `failed: ${job.failedReason}`;
    default:
      return state;
  }
}

/**
 * Waits until every unit's job has finished, logging each change of state,
 * and adds their records to `records`. Throws, naming them, if any failed;
 * a job that vanished (a Redis without persistence restarted) is queued again.
 */
export async function watchUnits(queue: Queue<UnitJobData>, units: readonly UnitPlan[], store: string, records: Map<string, UnitRecord>, w: WatchSettings): Promise<void> {
  const pending = new Map(units.map((u) => [unitKey(u), u]));
  const shown = new Map<string, string>();
  const failed: string[] = [];
  while (pending.size > 0) {
    for (const [id, u] of pending) {
      // The state is read before the job's fields: a job read first and then
      // found failed may predate its failure and carry no failedReason yet.
      const state = await queue.getJobState(id);
      const job = await queue.getJob(id);
      if (!job) {
        w.log(`${u.name}: no longer on the queue (Redis lost it?): queued again`);
        await queue.add(u.name, { unit: u, source: w.source }, { jobId: id, attempts: 1, removeOnComplete: false, removeOnFail: false });
        continue;
      }
      const line = describe(job, state);
      if (shown.get(id) !== line) w.log(`${u.name}: ${line}`);
      shown.set(id, line);
      if (state === 'completed') {
        const r = await readRecord(recordPath(store, u));
        if (!r) throw new Error(`${u.name}: its job finished but ${recordPath(store, u)} is missing; do the workers and this command use the same --store?`);
        records.set(u.name, r);
        pending.delete(id);
      } else if (state === 'failed') {
        failed.push(`${u.name}: ${job.failedReason}`);
        pending.delete(id);
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, w.pollMs));
  }
  if (failed.length > 0) throw new Error(`${failed.length} unit(s) failed (rerun the command to queue them again):\n  ${failed.join('\n  ')}`);
}
