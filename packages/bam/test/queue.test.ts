/**
 * `bam experiment --queue` with real processes: a redis-server on 127.0.0.1
 * (password, append-only file) and `bam worker`s running the built CLI. The
 * experiment is tiny (2 synthetic tasks, 2 seeds, Single/Multi/BAM, a
 * 16-wide one-layer BERT): 8 units of 10 to 30 steps.
 *
 * results.json holds no paths; its only run-dependent fields are the
 * wall-clock `seconds`, which are stripped before comparing. Everything else
 * (dev scores, the table, every logged loss, λ, learning rate and gradient
 * norm) must be identical to the local run's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, killAll, startCli, type Proc, type Redis, startRedis } from './helpers/processes.js';

const PASSWORD = 'bam-test-password';
const EXPERIMENT = [
  'experiment', '--data', 'synthetic', '--scale', '0.02', '--tasks', 'syn-sentiment,syn-paraphrase', '--hidden', '16', '--layers', '1',
  '--max-seq-length', '32', '--batch-size', '8', '--epochs', '2', '--lr', '1e-3', '--seeds', '2', '--methods', 'single,multi,bam',
  '--checkpoint-every', '2', '--quiet',
];
/** Short BullMQ timings (documented `bam worker` settings): a dead worker's job is back on the queue within ~4 s. */
const WORKER = ['--lock-ms', '3000', '--stalled-ms', '1000', '--teacher-wait-ms', '300'];

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
const built = existsSync(CLI);
if (!hasRedis) console.warn('queue tests skipped: no redis-server (node scripts/bootstrap.mjs installs it)');
if (!built) console.warn('queue tests skipped: run `node scripts/bootstrap.mjs` first (the tests run the built CLI)');

let dir: string;
let redis: Redis;
const workers = new Map<string, Proc>();
/** The --store of the running workers. */
let workerStore = '';

function startWorker(name: string, store: string): Proc {
  // The password comes from the environment here, as docs/scale-out.md advises (not visible in `ps`).
  const w = startCli(['worker', '--queue', `redis://127.0.0.1:${redis.port}`, '--store', store, '--name', name, ...WORKER], { BAM_REDIS_PASSWORD: PASSWORD });
  workers.set(name, w);
  workerStore = store;
  return w;
}

/** results.json without its wall-clock times. */
async function results(out: string): Promise<unknown> {
  return JSON.parse(await readFile(join(out, 'results.json'), 'utf8'), (k, v) => (k === 'seconds' ? undefined : v));
}

async function runQueued(name: string, store: string, onLine?: (p: Proc) => Promise<void>): Promise<string> {
  const p = startCli([...EXPERIMENT, '--out', join(dir, name), '--queue', redis.url, '--store', store, '--poll-ms', '100']);
  await onLine?.(p);
  const code = await p.exited;
  expect(code, p.output()).toBe(0);
  return p.output();
}

describe.skipIf(!hasRedis || !built)('experiments as BullMQ jobs', () => {
  let local: unknown;
  const store = () => join(dir, 'store');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bam-queue-'));
    await mkdir(join(dir, 'redis'));
    redis = await startRedis(join(dir, 'redis'), PASSWORD);
    const p = startCli([...EXPERIMENT, '--out', join(dir, 'local')]);
    expect(await p.exited, p.output()).toBe(0);
    local = await results(join(dir, 'local'));
    startWorker('w1', store());
    startWorker('w2', store());
  }, 120_000);

  afterAll(async () => {
    killAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('2 workers produce the results.json of the same experiment run locally in one process', async () => {
    const log = await runQueued('q1', store());
    expect(log).toMatch(/8 units, 0 with results .*, 8 to train/);
    expect(log).toMatch(/s0-bam: waiting for its teachers/);
    // Both workers trained something.
    for (const w of ['w1', 'w2']) expect(log).toMatch(new RegExp(`running on ${w}`));
    expect(await results(join(dir, 'q1'))).toEqual(local);
  }, 120_000);

  test('rerunning the finished command trains nothing and writes the same results', async () => {
    const records = (await readdir(join(store(), 'runs'))).map((n) => join(store(), 'runs', n, 'record.json'));
    expect(records).toHaveLength(8);
    const before = await Promise.all(records.map(async (r) => (await stat(r)).mtimeMs));
    const trained = [...workers.values()].map((w) => (w.output().match(/: training, /g) ?? []).length);
    const log = await runQueued('q1', store());
    expect(log).toMatch(/8 units, 8 with results .*, 0 to train/);
    expect(log).not.toMatch(/running on|queued/);
    expect([...workers.values()].map((w) => (w.output().match(/: training, /g) ?? []).length)).toEqual(trained);
    expect(await Promise.all(records.map(async (r) => (await stat(r)).mtimeMs))).toEqual(before);
    expect(await results(join(dir, 'q1'))).toEqual(local);
  }, 60_000);

  test('a worker killed with SIGKILL mid-training: the other resumes its job from the checkpoint, results unchanged', async () => {
    const killStore = join(dir, 'store-kill');
    for (const w of workers.values()) w.kill('SIGTERM');
    await Promise.all([...workers.values()].map((w) => w.exited));
    workers.clear();
    const w1 = startWorker('w1', killStore);
    const w2 = startWorker('w2', killStore);
    let victim = '';
    let unit = '';
    const log = await runQueued('q-kill', killStore, async (p) => {
      // Step 10 of 30 reported: checkpoints exist (every 2 steps) and 20 steps remain.
      const m = await p.waitFor(/^(s\d-(?:multi|bam)): running on (w\d), step 10\/30$/m, 90_000);
      [, unit, victim] = m;
      workers.get(victim)!.kill('SIGKILL');
    });
    const other = victim === 'w1' ? w2 : w1;
    const resumed = new RegExp(`\\[${victim === 'w1' ? 'w2' : 'w1'}\\] ${unit}-[0-9a-f]{16}: resumed from step (\\d+)/30`).exec(other.output());
    expect(resumed, other.output()).not.toBeNull();
    expect(Number(resumed![1])).toBeGreaterThan(0);
    expect(log).toMatch(new RegExp(`${unit}: running on ${victim === 'w1' ? 'w2' : 'w1'}, step \\d+/30 \\(resumed from step ${resumed![1]}\\)`));
    expect(await results(join(dir, 'q-kill'))).toEqual(local);
  }, 120_000);

  test('Redis restarted mid-experiment loses no job; results unchanged', async () => {
    const restartStore = join(dir, 'store-restart');
    for (const w of workers.values()) w.kill('SIGTERM');
    await Promise.all([...workers.values()].map((w) => w.exited));
    workers.clear();
    startWorker('w1', restartStore);
    startWorker('w2', restartStore);
    const log = await runQueued('q-restart', restartStore, async (p) => {
      await p.waitFor(/^s0-multi: running on w\d, step 10\/30$/m, 90_000);
      await redis.restart();
    });
    // The producer re-adds a job that vanished and says so: it must not have had to.
    expect(log).not.toMatch(/no longer on the queue/);
    for (const w of workers.values()) expect(w.output()).not.toMatch(/failed/);
    expect(await results(join(dir, 'q-restart'))).toEqual(local);
  }, 120_000);

  test('a job that fails (non-finite loss) fails for good, its message on the job and its student failed with it', async () => {
    const [name] = workers.keys();
    const diverging = EXPERIMENT.map((a, i) => (EXPERIMENT[i - 1] === '--lr' ? '1e30' : EXPERIMENT[i - 1] === '--seeds' ? '1' : EXPERIMENT[i - 1] === '--methods' ? 'single,bam' : a));
    const p = startCli([...diverging, '--out', join(dir, 'q-nan'), '--queue', redis.url, '--store', workerStore, '--poll-ms', '100']);
    expect(await p.exited, p.output()).toBe(1);
    expect(p.output()).toMatch(/unit\(s\) failed/);
    expect(p.output()).toMatch(/s0-single-syn-sentiment: failed: s0-single-syn-sentiment-[0-9a-f]{16}: step \d+: training loss \(task "syn-sentiment"\) is NaN/);
    expect(p.output()).toMatch(/s0-bam: failed/);
    const queue = new Queue('bam-units', { connection: { host: '127.0.0.1', port: redis.port, password: PASSWORD } });
    try {
      const failed = await queue.getFailed();
      const teacher = failed.find((j) => j.name === 's0-single-syn-sentiment' && /NaN/.test(j.failedReason));
      expect(teacher, JSON.stringify(failed.map((j) => [j.name, j.failedReason]))).toBeDefined();
      // Not retried: one attempt, and no worker started it twice.
      expect(teacher!.attemptsMade).toBe(1);
      await new Promise((r) => setTimeout(r, 1500));
      const starts = [...workers.values()].map((w) => (w.output().match(new RegExp(`${teacher!.id}: training`, 'g')) ?? []).length);
      expect(starts.reduce((a, b) => a + b, 0), name).toBe(1);
    } finally {
      await queue.close();
    }
  }, 60_000);
});
