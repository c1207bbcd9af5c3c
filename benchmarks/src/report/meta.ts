/** Where a run happened: adapter, machine, Node, git commit — everything needed to compare two runs. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { AdapterDescription } from '@bamgpu/core';
import type { HarnessOptions } from '../harness.js';
import type { RowResult } from '../types.js';

export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  memoryBytes: number;
  os: string;
  /** 1-minute load average when the run started (before our own load). */
  loadavgStart: number;
  /**
   * Share of all CPU time during the run used by other processes (from
   * /proc/stat minus our own process's usage; null off Linux). On lavapipe
   * the CPU is the GPU, so above a few percent the numbers were contended.
   */
  otherCpuShare: number | null;
}

export interface RunRecord {
  schema: 1;
  /** ISO 8601, UTC. */
  date: string;
  durationS: number;
  git: { commit: string | null; dirty: boolean | null };
  adapter: AdapterDescription & { slug: string };
  tfjs: { version: string; adapter: { vendor: string; architecture: string; description: string; device: string } } | null;
  machine: MachineInfo;
  node: string;
  options: { quick: boolean; only: string | null; tfjs: boolean };
  /** A full run (no --quick / --only) updates latest.md and the chart. */
  partial: boolean;
  harness: HarnessOptions;
  rows: RowResult[];
  /** Explanations a person added after the run (what skewed a row, a bug it exposed). */
  annotations?: string[];
}

/**
 * What the adapter calls itself, before any driver version: "llvmpipe" from
 * "llvmpipe: Mesa 25.0.7 …". Dawn on NVIDIA puts only the vendor and driver
 * in the description ("NVIDIA: 580.159.04 …") and the card in `device`
 * ("nvidia-h100-80gb-hbm3"), so then the device is the name.
 */
function modelPart(a: Pick<AdapterDescription, 'vendor' | 'architecture' | 'device' | 'description'>): string {
  const head = a.description.split(':')[0].trim();
  const justVendor = head.toLowerCase() === a.vendor.toLowerCase();
  return (justVendor ? a.device : head) || a.device || a.architecture || a.vendor;
}

/** "llvmpipe: Mesa 25.0.7 …" → "mesa-llvmpipe"; device "nvidia-h100-80gb-hbm3" → "nvidia-h100-80gb-hbm3". */
export function adapterSlug(a: Pick<AdapterDescription, 'vendor' | 'architecture' | 'device' | 'description'>): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const vendor = clean(a.vendor);
  const what = clean(modelPart(a));
  const joined = what.startsWith(vendor) ? what : [vendor, what].filter(Boolean).join('-');
  return joined.slice(0, 48).replace(/-+$/, '') || 'unknown-adapter';
}

/** A heading for the adapter: its description, with the card named where the description only gives the driver. */
export function adapterName(a: Pick<AdapterDescription, 'vendor' | 'architecture' | 'device' | 'description'>): string {
  if (!a.description) return a.device || a.architecture || a.vendor;
  const model = modelPart(a);
  return a.description.toLowerCase().includes(model.toLowerCase()) ? a.description : `${model} (${a.description})`;
}

/**
 * The commit this code came from: git where the checkout is at hand, else
 * what scripts/device-pack.mjs baked into the bundle it carried to a machine
 * without the repository (BAMGPU_PACK_GIT_COMMIT / BAMGPU_PACK_GIT_DIRTY).
 */
export function gitInfo(cwd: string): RunRecord['git'] {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    let dirty: boolean | null = null;
    try {
      dirty = git('status', '--porcelain', '--untracked-files=no').length > 0;
    } catch {
      dirty = null;
    }
    return { commit, dirty };
  } catch {
    const commit = process.env.BAMGPU_PACK_GIT_COMMIT || null;
    const dirty = process.env.BAMGPU_PACK_GIT_DIRTY;
    return { commit, dirty: dirty === 'true' ? true : dirty === 'false' ? false : null };
  }
}

/** Busy CPU seconds of the whole machine so far, from /proc/stat (null off Linux). */
function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    // /proc/stat counts in USER_HZ, which is 100 on every Linux ABI Node runs on.
    return (user + nice + system + irq + softirq + (steal || 0)) / 100;
  } catch {
    return null;
  }
}

/** Starts watching the CPU; the returned function gives the machine facts at the end of the run. */
export function watchMachine(): () => MachineInfo {
  const loadavgStart = os.loadavg()[0];
  const busy0 = machineBusySeconds();
  const ours0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const cpus = os.cpus();
    const busy1 = machineBusySeconds();
    const ours = process.cpuUsage(ours0);
    const wallS = (performance.now() - t0) / 1000;
    const other = busy0 !== null && busy1 !== null ? Math.max(0, busy1 - busy0 - (ours.user + ours.system) / 1e6) : null;
    return {
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cpus: cpus.length,
      memoryBytes: os.totalmem(),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      loadavgStart,
      otherCpuShare: other === null || wallS <= 0 ? null : other / (wallS * cpus.length),
    };
  };
}

/** Whether other processes took a noticeable share of the CPU (which on lavapipe is the GPU). */
export function wasContended(m: MachineInfo): boolean {
  return (m.otherCpuShare ?? 0) > 0.05;
}
