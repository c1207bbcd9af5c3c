/**
 * `bam experiment --queue` with real processes: a redis-server on 127.0.0.1
 * (password, append-only file) and `bam worker`s running the built CLI. The
 * experiment is tiny (2 synthetic tasks, 2 seeds, Single/Multi/BAM, a
 * 16-wide one-layer BERT): 8 units of 10 to 30 steps.
 *
 * results.json holds no paths; its only run-dependent fields are the
 * wall-clock `seconds`, which are stripped before comparing. Everything else
 * (dev scores, the table, every logged loss, λ, learning rate and gradient
 * norm) must be identical to the local run's. The interruption tests run one
 * seed (4 units) and compare its runs with the local run's seed-0 runs,
 * which have the same content addresses.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { killAll, queueTestsCanRun, startCli, type Proc, type Redis, startRedis } from './helpers/processes.js';

const PASSWORD = 'bam-test-password';
const EXPERIMENT = [
  'experiment', '--data', 'synthetic', '--scale', '0.02', '--tasks', 'syn-sentiment,syn-paraphrase', '--hidden', '16', '--layers', '1',
  '--max-seq-length', '32', '--batch-size', '8', '--epochs', '2', '--lr', '1e-3', '--seeds', '2', '--methods', 'single,multi,bam',
  '--checkpoint-every', '2', '--quiet',
];
/** EXPERIMENT with some flags' values replaced. */
function withFlags(over: Record<string, string>): string[] {
  return EXPERIMENT.map((a, i) => over[EXPERIMENT[i - 1]] ?? a);
}
/** One seed (4 units): enough to interrupt a training; its runs are the local run's seed-0 runs, same addresses. */
const ONE_SEED = withFlags({ '--seeds': '1' });

/** Short BullMQ timings (documented `bam worker` settings): a dead worker's job is back on the queue within ~4 s. */
const WORKER = ['--lock-ms', '3000', '--stalled-ms', '1000', '--teacher-wait-ms', '300'];

const ready = queueTestsCanRun('queue tests', [['redis-server', '--version']]);

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

/** How often BullMQ found the job of `unit` (e.g. s0-multi) stalled, i.e. its worker dead. */
async function stalls(unit: string): Promise<number> {
  const queue = new Queue('bam-units', { connection: { host: '127.0.0.1', port: redis.port, password: PASSWORD } });
  try {
    const jobs = await queue.getJobs(['completed']);
    const mine = jobs.filter((j) => j.name === unit);
    expect(mine).toHaveLength(1);
    return mine[0].stalledCounter;
  } finally {
    await queue.close();
  }
}

/** Stops the running workers (SIGTERM) and starts w1 and w2 on `store`. */
async function restartWorkers(store: string): Promise<void> {
  for (const w of workers.values()) w.kill('SIGTERM');
  await Promise.all([...workers.values()].map((w) => w.exited));
  workers.clear();
  startWorker('w1', store);
  startWorker('w2', store);
}

/** results.json without its wall-clock times. */
async function results(out: string): Promise<{ runs: { seed: number }[] }> {
  return JSON.parse(await readFile(join(out, 'results.json'), 'utf8'), (k, v) => (k === 'seconds' ? undefined : v)) as { runs: { seed: number }[] };
}

/** The runs (dev scores and every logged step) of seed 0. */
const seed0 = (r: { runs: { seed: number }[] }) => r.runs.filter((x) => x.seed === 0);

async function runQueued(name: string, store: string, onLine?: (p: Proc) => Promise<void>, args = EXPERIMENT): Promise<string> {
  const p = startCli([...args, '--out', join(dir, name), '--queue', redis.url, '--store', store, '--poll-ms', '100']);
  await onLine?.(p);
  const code = await p.exited;
  expect(code, p.output()).toBe(0);
  return p.output();
}

describe.skipIf(!ready)('experiments as BullMQ jobs', () => {
  let local: Awaited<ReturnType<typeof results>>;
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
    await restartWorkers(join(dir, 'store-kill'));
    const [w1, w2] = [workers.get('w1')!, workers.get('w2')!];
    let victim = '';
    let unit = '';
    const log = await runQueued('q-kill', workerStore, async (p) => {
      // Step 10 of 30 reported: checkpoints exist (every 2 steps) and 20 steps remain.
      const m = await p.waitFor(/^(s\d-(?:multi|bam)): running on (w\d), step 10\/30$/m, 90_000);
      [, unit, victim] = m;
      workers.get(victim)!.kill('SIGKILL');
    }, ONE_SEED);
    const other = victim === 'w1' ? w2 : w1;
    const resumed = new RegExp(`\\[${victim === 'w1' ? 'w2' : 'w1'}\\] ${unit}-[0-9a-f]{16}: resumed from step (\\d+)/30`).exec(other.output());
    expect(resumed, other.output()).not.toBeNull();
    expect(Number(resumed![1])).toBeGreaterThan(0);
    expect(log).toMatch(new RegExp(`${unit}: running on ${victim === 'w1' ? 'w2' : 'w1'}, step \\d+/30 \\(resumed from step ${resumed![1]}\\)`));
    expect(await stalls(unit)).toBe(1);
    expect(seed0(await results(join(dir, 'q-kill')))).toEqual(seed0(local));
  }, 120_000);

  test('a worker sent SIGTERM mid-training checkpoints, hands its job back at once, and the other resumes it there', async () => {
    await restartWorkers(join(dir, 'store-term'));
    let victim = '';
    let unit = '';
    const log = await runQueued('q-term', workerStore, async (p) => {
      const m = await p.waitFor(/^(s\d-(?:multi|bam)): running on (w\d), step 10\/30$/m, 90_000);
      [, unit, victim] = m;
      workers.get(victim)!.kill('SIGTERM');
      await workers.get(victim)!.exited;
    }, ONE_SEED);
    const stopped = workers.get(victim)!.output();
    expect(stopped).toMatch(new RegExp(`${unit}-[0-9a-f]{16}: stopped with a checkpoint and handed back to the queue`));
    const other = workers.get(victim === 'w1' ? 'w2' : 'w1')!.output();
    // It resumes from the step where the worker stopped (at or after step 10), not from an older periodic checkpoint.
    const resumed = new RegExp(`${unit}-[0-9a-f]{16}: resumed from step (\\d+)/30`).exec(other);
    expect(resumed, other).not.toBeNull();
    expect(Number(resumed![1])).toBeGreaterThanOrEqual(10);
    expect(log).toMatch(new RegExp(`${unit}: queued`));
    // Handed back, not found stalled: BullMQ counted no stall.
    expect(await stalls(unit)).toBe(0);
    expect(seed0(await results(join(dir, 'q-term')))).toEqual(seed0(local));
  }, 120_000);

  test('Redis restarted mid-experiment loses no job; results unchanged', async () => {
    await restartWorkers(join(dir, 'store-restart'));
    const log = await runQueued('q-restart', workerStore, async (p) => {
      await p.waitFor(/^s0-multi: running on w\d, step 10\/30$/m, 90_000);
      await redis.restart();
    }, ONE_SEED);
    // The producer re-adds a job that vanished and says so: it must not have had to.
    expect(log).not.toMatch(/no longer on the queue/);
    for (const w of workers.values()) expect(w.output()).not.toMatch(/failed/);
    expect(seed0(await results(join(dir, 'q-restart')))).toEqual(seed0(local));
  }, 120_000);

  test('two students sharing a teacher (an ablation): the second waits for it, delayed, and both match a local run', async () => {
    const shared = withFlags({ '--tasks': 'syn-sentiment', '--seeds': '1', '--methods': 'single,bam,bam-lambda0' });
    // A fresh store: the teacher's address is the same as in the tests above, which would reuse it.
    await restartWorkers(join(dir, 'store-shared'));
    const p = startCli([...shared, '--out', join(dir, 'local-shared')]);
    expect(await p.exited, p.output()).toBe(0);
    const log = await runQueued('q-shared', workerStore, undefined, shared);
    expect(log).toMatch(/3 units, 0 with results .*, 3 to train/);
    // The first student is the teacher's parent in the flow; the other cannot be, and waits delayed.
    expect(log).toMatch(/s0-bam: waiting for its teachers/);
    // Both workers are up (started before the local run): one takes the teacher, the other this student, which must wait.
    expect(log).toMatch(/s0-bam-lambda0: waiting \(a teacher unfinished/);
    expect(await results(join(dir, 'q-shared'))).toEqual(await results(join(dir, 'local-shared')));
  }, 90_000);

  test('a job that fails (non-finite loss) fails for good, its message on the job and its student failed with it', async () => {
    const [name] = workers.keys();
    const diverging = withFlags({ '--lr': '1e30', '--seeds': '1', '--methods': 'single,bam' });
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
