#!/usr/bin/env node
/**
 * Makes a fresh Debian machine (Node ≥ 20 and npm, nothing else) ready to run
 * bamgpu: pnpm (pinned, installed locally under .tools/), the workspace's
 * packages, a WebGPU adapter for Dawn (Mesa's Vulkan driver from
 * bookworm-backports when none is found), redis-server (for the queue),
 * Chromium for the browser tests (with --browser), and the TypeScript build. Each step is skipped when
 * already done, so running it again costs a second or two.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const tools = join(root, '.tools');
const pnpm = join(tools, 'node_modules', '.bin', 'pnpm');

const log = (msg) => console.log(`[setup] ${msg}`);
const run = (cmd, argv, opts = {}) => execFileSync(cmd, argv, { stdio: 'inherit', cwd: root, ...opts });

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** apt-get, as root directly or through sudo. */
function apt(argv) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (isRoot()) return run('apt-get', argv, { env });
  const sudo = spawnSync('sudo', ['-n', 'true']);
  if (sudo.status !== 0) {
    throw new Error(`need root to run apt-get ${argv.join(' ')}; run this command as root or with passwordless sudo`);
  }
  return run('sudo', ['-E', 'apt-get', ...argv], { env });
}

function ensurePnpm() {
  if (existsSync(pnpm)) return;
  log(`installing pnpm ${PNPM_VERSION} into .tools/`);
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'package.json'), JSON.stringify({ name: 'bamgpu-tools', private: true }) + '\n');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '-E', `pnpm@${PNPM_VERSION}`], { cwd: tools });
}

function ensurePackages() {
  const marker = join(root, 'node_modules', '.bamgpu-installed');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing packages (pnpm install --frozen-lockfile)');
  run(pnpm, ['install', '--frozen-lockfile', '--reporter=append-only']);
  writeFileSync(marker, new Date().toISOString() + '\n');
}

/** Asks Dawn for an adapter in a child process (a crash or hang there can't take us down). */
function probeAdapter() {
  const code = `
    import { create, globals } from 'webgpu';
    Object.assign(globalThis, globals);
    const gpu = create([]);
    const a = await gpu.requestAdapter();
    if (!a) { console.log('NONE'); process.exit(0); }
    console.log('ADAPTER ' + [a.info.vendor, a.info.device, a.info.description].filter(Boolean).join(' / '));
    process.exit(0);`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: join(root, 'packages', 'core'),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp' },
  });
  const line = (res.stdout || '').split('\n').find((l) => l.startsWith('ADAPTER '));
  return line ? line.slice(8) : null;
}

function debianCodename() {
  try {
    const rel = readFileSync('/etc/os-release', 'utf8');
    return /VERSION_CODENAME=(\w+)/.exec(rel)?.[1] ?? null;
  } catch {
    return null;
  }
}

function ensureAdapter() {
  let adapter = probeAdapter();
  if (adapter) {
    log(`WebGPU adapter: ${adapter}`);
    return;
  }
  const codename = debianCodename();
  if (codename !== 'bookworm') {
    throw new Error(`no WebGPU adapter found, and automatic driver install only knows Debian 12 (bookworm), not "${codename ?? 'unknown'}". Install a Vulkan driver that Dawn accepts (Mesa ≥ 23 for CPU-only machines).`);
  }
  // Bookworm's own Mesa 22 lacks features Dawn requires
  // ("shaderUniform*ArrayDynamicIndexing required"); backports' Mesa 25 works.
  log('no WebGPU adapter: installing Mesa Vulkan drivers from bookworm-backports');
  const list = '/etc/apt/sources.list.d/bamgpu-backports.sources';
  const hasBackports = spawnSync('sh', ['-c', 'grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/']).status === 0;
  if (!hasBackports) {
    const entry = 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n';
    if (isRoot()) writeFileSync(list, entry);
    else run('sudo', ['sh', '-c', `cat > ${list}`], { input: entry, stdio: ['pipe', 'inherit', 'inherit'] });
  }
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '-t', 'bookworm-backports', 'mesa-vulkan-drivers', 'libvulkan1']);
  adapter = probeAdapter();
  if (!adapter) throw new Error('still no WebGPU adapter after installing Mesa from bookworm-backports; check `vulkaninfo --summary`');
  log(`WebGPU adapter: ${adapter}`);
}

function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return;
  log('installing Chromium (for the browser tests)');
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', 'chromium']);
}

/**
 * redis-server, which `bam experiment --queue` and its tests need (docs/scale-out.md), and the
 * openssl command, with which the TLS queue test makes its certificates: Debian's packages.
 */
function ensureQueueTools() {
  const missing = [['redis-server', '--version'], ['openssl', 'version']].filter(([cmd, arg]) => spawnSync(cmd, [arg]).error !== undefined).map(([cmd]) => cmd);
  if (missing.length === 0) return;
  log(`installing ${missing.join(' and ')} (for the queue: bam experiment --queue, bam worker, and their tests)`);
  apt(['update', '-qq']);
  // Debian's own service, where the machine starts one, listens on 127.0.0.1:6379 only; tests start their own on a free port.
  apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

function build() {
  log('building (tsc -b)');
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-b']);
}

if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = '/tmp';
try {
  ensurePnpm();
  ensurePackages();
  ensureAdapter();
  ensureQueueTools();
  if (args.has('--browser')) ensureChromium();
  if (!args.has('--no-build')) build();
} catch (e) {
  console.error(`[setup] failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
