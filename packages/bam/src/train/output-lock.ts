/**
 * One run per output folder. Two runs writing one folder corrupt each
 * other's checkpoint renames and interleave their metrics logs, so a run
 * takes `<dir>/.bam-lock` exclusively for as long as it writes there.
 *
 * The lock file is created whole (written under a private name, then
 * hard-linked into place, which fails if a lock exists), so it always holds
 * the owner's pid and host. A lock whose pid is no longer running on this
 * host is stale (its run was killed) and is taken over; any other lock is
 * refused with a message naming the owner and the file to delete if that
 * owner is in fact gone (another host, or a reused pid).
 *
 * Within one process the lock is re-entrant, so `bam train` can hold the
 * folder across training and the writes after it while `train()` takes it too.
 */
import { hostname } from 'node:os';
import { link, readFile, readdir, rm, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { makeDir, writeFileNamed } from '../io/fs-safe.js';

export const LOCK_FILE = '.bam-lock';

interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

/** Another live run holds the folder. */
export class OutputLockedError extends Error {
  override name = 'OutputLockedError';
}

const held = new Map<string, number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as { code?: string }).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host, started: String(o.started ?? '?') } : null;
  } catch {
    return null;
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${Date.now()}.new`;
  await writeFileNamed(tmp, JSON.stringify(owner));
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') return false;
    throw new Error(`cannot lock ${path}: ${e instanceof Error ? e.message : e}`);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Locks `dir` (creating it) for this process; resolves to the function that
 * releases it. Throws OutputLockedError if a live run holds it.
 */
export async function lockOutputDir(dir: string): Promise<() => Promise<void>> {
  const key = resolve(dir);
  const release = async () => {
    const n = (held.get(key) ?? 1) - 1;
    if (n > 0) return void held.set(key, n);
    held.delete(key);
    const owner = await readOwner(join(key, LOCK_FILE));
    if (owner?.pid === process.pid && owner.host === hostname()) await rm(join(key, LOCK_FILE), { force: true });
  };
  if (held.has(key)) {
    held.set(key, held.get(key)! + 1);
    return release;
  }
  await makeDir(dir);
  const path = join(key, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(path, me)) {
      held.set(key, 1);
      return release;
    }
    const owner = await readOwner(path);
    const stale = owner !== null && owner.host === me.host && !alive(owner.pid);
    if (!stale || attempt > 0) {
      const who = owner ? `pid ${owner.pid} on ${owner.host}, since ${owner.started}` : 'an unreadable lock';
      throw new OutputLockedError(`${dir} is in use by another run (${who}); wait for it, use another folder, or delete ${path} if that run is gone`);
    }
    await rm(path, { force: true }); // the owner was killed: take the folder over
  }
  throw new OutputLockedError(`${dir}: could not take the lock ${path}`);
}

/** Runs `fn` holding `dir`'s lock (no lock without a folder), releasing it however `fn` ends. */
export async function withOutputLock<T>(dir: string | undefined, fn: () => Promise<T>): Promise<T> {
  const release = dir ? await lockOutputDir(dir) : null;
  try {
    return await fn();
  } finally {
    await release?.();
  }
}

/**
 * Removes what a killed run leaves behind in its output folder: checkpoint
 * folders and files being written (`checkpoint.tmp-*`, `*.tmp-<pid>`, the
 * model writer's `*.<uuid>.tmp`) and lock drafts. Call only while holding the
 * folder's lock, so no live writer owns them. Returns the removed paths.
 */
export async function removeLeftovers(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const sweep = async (folder: string, pattern: RegExp) => {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      return;
    }
    for (const n of names.filter((x) => pattern.test(x))) {
      await rm(join(folder, n), { recursive: true, force: true });
      removed.push(join(folder, n));
    }
  };
  await sweep(dir, /^checkpoint\.tmp-|\.tmp-\d+$|^\.bam-lock\.\d+\.\d+\.new$/);
  for (const sub of ['model', 'outputs']) await sweep(join(dir, sub), /\.tmp(-\d+)?$/);
  return removed;
}
