/**
 * Finds and launches headless Chromium on one URL, with WebGPU on and every
 * background network feature off (this machine has no outside network, and
 * Chromium otherwise stalls retrying it). Chromium's stderr goes to a log
 * file; the process gets its own process group so `kill()` takes its GPU,
 * renderer and zygote children down with it.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium() {
  const fromEnv = process.env.CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`no Chromium found (looked for ${CANDIDATES.join(', ')}). Install it with \`apt-get install -y chromium\` (or run \`node scripts/bootstrap.mjs --browser\`), or point CHROMIUM at a binary.`);
  }
  return found;
}

/** The flags, each with the reason it is there (the README repeats them). */
export function chromiumFlags(profileDir) {
  return [
    '--headless', // the new headless mode: the full browser, WebGPU included, without a window
    '--enable-unsafe-webgpu', // WebGPU on Linux is still behind this flag
    '--enable-webgpu-developer-features', // fuller GPUAdapterInfo (e.g. "SwiftShader Device (Subzero)") for the report
    // Keep the page at full speed even though no window is ever shown: the runtime
    // sleeps between GPU polls with setTimeout, which background throttling stretches to 1 s.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    '--no-sandbox', // root in a container: the setuid/namespace sandbox cannot start
    '--disable-gpu-sandbox', // the GPU process sandbox cannot start here either
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking', // no update checks, safe-browsing lists, variations fetches…
    '--disable-component-update', // …no component downloads…
    '--disable-sync', // …and no sync: each would stall on the closed network
    '--disable-extensions',
    '--disable-crash-reporter', // no crash uploads to attempt
    '--disable-breakpad',
    '--disable-dev-shm-usage', // containers often have a tiny /dev/shm
    '--mute-audio',
    `--user-data-dir=${profileDir}`, // a fresh profile: no state leaks between runs
  ];
}

/**
 * Starts Chromium on `url`; `extraFlags` go after ours (so they can override them). Returns { child, kill(), exited } where `exited`
 * resolves to { code, signal } when the browser process ends.
 */
export function launchChromium({ binary, url, workDir, extraFlags = [] }) {
  const logPath = join(workDir, 'chromium.log');
  const log = openSync(logPath, 'a');
  const child = spawn(binary, [...chromiumFlags(join(workDir, 'profile')), ...extraFlags, url], {
    stdio: ['ignore', log, log],
    detached: true, // own process group, killed as a whole
  });
  closeSync(log);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
  const kill = () => {
    if (child.pid === undefined) return;
    // The group, even after the main process exited: its children may outlive it.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The whole group is already gone.
    }
  };
  return { child, kill, exited, logPath };
}
