import { resolve } from 'node:path';
import { initNode } from '@bamgpu/core/node';
import { nonNegativeInt, positiveInt } from '../settings/rules.js';
import { parseQueueUrl } from '../queue/url.js';
import { parseArgs, usage, UsageError, type OptionSpec } from './args.js';
import { loadSource } from './load.js';

const SPECS: OptionSpec[] = [
  { name: 'queue', type: 'string', help: 'redis://127.0.0.1:PORT, or rediss://user:password@host:port for a Redis on another machine (required)' },
  { name: 'store', type: 'string', help: 'the shared folder where unit folders, checkpoints and records go (required)' },
  { name: 'concurrency', type: 'number', help: 'jobs trained at once (one per GPU is the rule: run one worker per GPU)', default: 1, rule: positiveInt },
  { name: 'lock-ms', type: 'number', help: "BullMQ lockDuration: a job whose worker stops renewing its lock this long is stalled and goes back to the queue", default: 30_000, rule: positiveInt },
  { name: 'stalled-ms', type: 'number', help: 'BullMQ stalledInterval: how often workers look for stalled jobs', default: 30_000, rule: positiveInt },
  { name: 'max-stalled', type: 'number', help: 'BullMQ maxStalledCount: stalls (dead workers) a job survives before it fails', default: 3, rule: nonNegativeInt },
  { name: 'teacher-wait-ms', type: 'number', help: 'how long a student whose teachers are not finished waits before looking again', default: 2_000, rule: positiveInt },
  { name: 'name', type: 'string', help: 'shown as the worker running a job (default: host:pid)' },
  { name: 'help', type: 'bool', help: 'show this help', default: false },
];

/**
 * `bam worker`: trains queued experiment units until SIGTERM or SIGINT, which
 * checkpoint the running units and hand their jobs back to the queue.
 */
export async function workerCommand(argv: readonly string[]): Promise<void> {
  const { options: o } = parseArgs(argv, SPECS, 'bam worker');
  if (o.help) {
    console.log(usage('bam worker --queue URL --store DIR [options]', 'Takes `bam experiment --queue` jobs and trains them (docs/scale-out.md).', SPECS));
    return;
  }
  if (o.queue === undefined) throw new UsageError('bam worker: --queue is required (e.g. --queue redis://127.0.0.1:6379)');
  if (o.store === undefined) throw new UsageError('bam worker: --store is required: the folder shared with `bam experiment --queue`');
  const connection = parseQueueUrl(String(o.queue));
  const rt = await initNode();
  const { defaultWorkerName, startWorker } = await import('../queue/worker.js');
  const name = o.name === undefined ? defaultWorkerName() : String(o.name);
  const log = (line: string) => console.log(`[${name}] ${line}`);
  log(`adapter: ${rt.adapter.description || rt.adapter.device}; store ${resolve(String(o.store))}; waiting for jobs`);
  const worker = startWorker({
    connection,
    store: resolve(String(o.store)),
    concurrency: Number(o.concurrency),
    lockMs: Number(o['lock-ms']),
    stalledMs: Number(o['stalled-ms']),
    maxStalled: Number(o['max-stalled']),
    teacherWaitMs: Number(o['teacher-wait-ms']),
    name,
    load: loadSource,
    log,
  });
  // A signal often arrives twice: sent to the process group (systemd, kill -- -PGID), the CLI's
  // parent forwards its own copy. The first starts the stop; the rest must not kill the process mid-checkpoint.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing the running units' checkpoints and handing their jobs back`);
    void worker.stop();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await worker.closed;
  log('stopped');
}
