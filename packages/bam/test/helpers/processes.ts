/**
 * Real processes for the queue tests: a redis-server on 127.0.0.1 and the
 * built CLI. Each runs in its own process group (detached), so a kill
 * reaches the CLI's GPU child too, and killAll() in afterAll leaves nothing
 * behind even when a test failed half-way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');

const started = new Set<ChildProcess>();

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Proc {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `re` in the output; rejects after `ms` or if the process ends first. */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Signals the whole process group. */
  kill(signal: NodeJS.Signals): void;
}

export function startProcess(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp', ...env } });
  started.add(child);
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    text += d.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => {
    started.delete(child);
    for (const w of waiters) w();
    resolve(code ?? signal ?? 'unknown');
  }));
  return {
    child,
    output: () => text,
    exited,
    kill(signal) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    },
    waitFor(re, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(text);
          if (m) return done(() => resolve(m));
          if (child.exitCode !== null || child.signalCode !== null) done(() => reject(new Error(`process ended before ${re} appeared:\n${text.slice(-3000)}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${re} did not appear within ${ms} ms:\n${text.slice(-3000)}`))), ms);
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** The built CLI: `bam <args>`. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Proc {
  return startProcess(process.execPath, [CLI, ...args], env);
}

/** Kills every process these helpers started and that is still running (its whole group). */
export function killAll(): void {
  for (const c of started) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  started.clear();
}

export interface Redis {
  port: number;
  url: string;
  /** Stops it as an operator would (SIGTERM: Redis flushes its AOF) and starts it again on the same port and folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** redis-server on 127.0.0.1 with a password and an append-only file in `dir`. */
export async function startRedis(dir: string, password: string): Promise<Redis> {
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--appendonly', 'yes', '--dir', dir, '--requirepass', password, '--save', ''];
  let proc: Proc;
  const start = async () => {
    proc = startProcess('redis-server', args);
    await proc.waitFor(/Ready to accept connections/, 15_000);
  };
  const stop = async () => {
    proc.kill('SIGTERM');
    await proc.exited;
  };
  await start();
  return {
    port,
    url: `redis://:${password}@127.0.0.1:${port}`,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}

/**
 * Whether the queue tests can run here: each command answers (`[command, version flag]`)
 * and the CLI is built. Outside CI a gap skips them with a warning; in CI, where the
 * set-up installs and builds everything, a gap is an error, since a skip would hide it.
 */
export function queueTestsCanRun(suite: string, commands: readonly (readonly [string, string])[]): boolean {
  const missing = commands.filter(([cmd, flag]) => spawnSync(cmd, [flag]).status !== 0).map(([cmd]) => cmd);
  if (!existsSync(CLI)) missing.push('the built CLI');
  if (missing.length === 0) return true;
  const what = `${suite}: ${missing.join(', ')} missing (node scripts/bootstrap.mjs installs and builds them)`;
  if (process.env.CI) throw new Error(what);
  console.warn(`${what}; skipped`);
  return false;
}
