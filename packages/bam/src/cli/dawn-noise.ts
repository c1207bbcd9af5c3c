/**
 * Dawn prints two lines to stderr when it first enumerates a Vulkan adapter
 * whose driver reports more dynamic buffers than Dawn supports (lavapipe
 * reports 1000000):
 *
 *   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.
 *   Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.
 *
 * They come from C++ (fprintf to file descriptor 2) inside the first
 * requestAdapter(), before any limit is requested, so no choice of limits
 * avoids them and nothing in JavaScript can intercept them in the same
 * process. They say nothing a user can act on, so the CLI runs its GPU
 * commands in a child process and passes the child's stderr through this
 * filter, which drops exactly those lines and nothing else.
 */
import { spawn } from 'node:child_process';

const PREFIX = 'Warning: maxDynamic';
const LINE = /^Warning: maxDynamic(?:Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\r?\n/;
/** Longer than any such line: a held line start that grows past this is not one of them. */
const MAX_LINE = 200;

/**
 * Streaming filter: text passes as soon as it can no longer be the start of
 * one of Dawn's two lines, so progress bars (carriage returns, no newline)
 * still draw live; only a line start that could still become one is held.
 */
export class DawnNoiseFilter {
  private held = '';
  private atLineStart = true;

  push(chunk: string): string {
    let s = this.held + chunk;
    this.held = '';
    let out = '';
    while (s.length > 0) {
      if (!this.atLineStart) {
        const nl = s.indexOf('\n');
        if (nl < 0) return out + s;
        out += s.slice(0, nl + 1);
        s = s.slice(nl + 1);
        this.atLineStart = true;
        continue;
      }
      const m = LINE.exec(s);
      if (m) {
        s = s.slice(m[0].length);
        continue;
      }
      if (!s.includes('\n') && s.length < MAX_LINE && (PREFIX.startsWith(s) || s.startsWith(PREFIX))) {
        this.held = s;
        return out;
      }
      this.atLineStart = false;
    }
    return out;
  }

  /** What is still held when the stream ends (a partial line that never became a warning). */
  end(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }
}

/** Set in the child, so it runs the command itself instead of spawning again. */
export const CHILD_ENV = 'BAM_CLI_CHILD';
/** Set in the child when the parent's stderr is a terminal: progress bars then still redraw in place. */
export const STDERR_TTY_ENV = 'BAM_CLI_STDERR_TTY';

/**
 * Runs `node <script> ...argv` as a child with stdin and stdout shared and
 * stderr filtered; resolves with the child's exit code. A terminal's Ctrl-C
 * reaches the child directly (same process group), so the parent ignores
 * SIGINT and forwards SIGTERM/SIGHUP; a child killed by a signal makes the
 * parent die by the same signal, as if there were one process.
 */
export function runWithQuietDawn(script: string, argv: readonly string[]): Promise<number> {
  const env = { ...process.env, [CHILD_ENV]: '1', ...(process.stderr.isTTY ? { [STDERR_TTY_ENV]: '1' } : {}) };
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], { stdio: ['inherit', 'inherit', 'pipe'], env });
  const filter = new DawnNoiseFilter();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const out = filter.push(chunk);
    if (out) process.stderr.write(out);
  });
  const ignore = (): void => {};
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const rest = filter.end();
      if (rest) process.stderr.write(rest);
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
      if (signal) process.kill(process.pid, signal);
      resolve(code ?? 1);
    });
  });
}
