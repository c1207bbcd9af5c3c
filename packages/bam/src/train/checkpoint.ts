import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSafetensors, serializeSafetensors, toFloat32, type AdamW, type AdamWState, type Module } from '@bamgpu/core';
import { CheckpointError } from '@bamgpu/bert';
import { parseTrainerState, type TrainerState } from './trainer-state.js';

export type { TrainerState } from './trainer-state.js';

const STATE_FILE = 'trainer_state.json';
const MODEL_FILE = 'model.safetensors';
const OPTIM_FILE = 'optimizer.safetensors';

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `<dir>/checkpoint` atomically: everything goes to a fresh temporary
 * folder first, which then replaces the previous checkpoint by rename, so a
 * run killed at any moment leaves either the old or the new checkpoint whole.
 */
export async function saveCheckpoint(dir: string, model: Module, optimizer: AdamW, state: TrainerState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const final = join(dir, 'checkpoint');
  const tmp = join(dir, `checkpoint.tmp-${process.pid}-${Date.now()}`);
  const old = join(dir, 'checkpoint.old');
  await mkdir(tmp, { recursive: true });
  try {
    const weights = await model.stateDict();
    await writeFile(join(tmp, MODEL_FILE), serializeSafetensors([...weights].map(([n, t]) => [n, { dtype: 'F32', shape: t.shape, data: t.data }] as const), { format: 'pt' }));
    const opt = await optimizer.stateDict();
    const entries: [string, { dtype: 'F32'; shape: number[]; data: Float32Array }][] = [];
    for (const [n, m] of opt.m) entries.push([`m.${n}`, { dtype: 'F32', shape: [m.length], data: m }]);
    for (const [n, v] of opt.v) entries.push([`v.${n}`, { dtype: 'F32', shape: [v.length], data: v }]);
    await writeFile(join(tmp, OPTIM_FILE), serializeSafetensors(entries, { steps: JSON.stringify(opt.steps) }));
    await writeFile(join(tmp, STATE_FILE), JSON.stringify(state));
    await rm(old, { recursive: true, force: true });
    if (await exists(final)) await rename(final, old);
    await rename(tmp, final);
    await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The checkpoint folder to resume from: `checkpoint`, or `checkpoint.old` if a crash fell between the two renames. */
export async function findCheckpoint(dir: string): Promise<string | null> {
  for (const name of ['checkpoint', 'checkpoint.old']) {
    const p = join(dir, name);
    if (await exists(join(p, STATE_FILE))) return p;
  }
  return null;
}

export async function loadCheckpoint(path: string, model: Module, optimizer: AdamW): Promise<TrainerState> {
  const weightsFile = join(path, MODEL_FILE);
  const parsed = parseSafetensors(new Uint8Array(await readFile(weightsFile)), weightsFile);
  const weights = new Map<string, Float32Array>();
  const shapes = new Map<string, number[]>();
  for (const [n, e] of parsed.tensors) {
    weights.set(n, toFloat32(e));
    shapes.set(n, e.shape);
  }
  const { missing, unexpected } = model.loadStateDict(weights, shapes);
  if (missing.length || unexpected.length) {
    throw new CheckpointError(`${weightsFile}: does not match the model (missing: ${missing.join(', ') || 'none'}; unexpected: ${unexpected.join(', ') || 'none'})`);
  }
  const optFile = join(path, OPTIM_FILE);
  const opt = parseSafetensors(new Uint8Array(await readFile(optFile)), optFile);
  const state: AdamWState = { steps: parseOptimizerSteps(opt.metadata.steps, optFile), m: new Map(), v: new Map() };
  for (const [n, e] of opt.tensors) {
    if (n.startsWith('m.')) state.m.set(n.slice(2), toFloat32(e));
    else if (n.startsWith('v.')) state.v.set(n.slice(2), toFloat32(e));
  }
  optimizer.loadStateDict(state);
  const stateFile = join(path, STATE_FILE);
  return parseTrainerState(await readFile(stateFile, 'utf8'), stateFile);
}

/** The optimizer file's "steps" metadata: JSON {parameter name: steps taken}. */
export function parseOptimizerSteps(text: string | undefined, file: string): Record<string, number> {
  if (text === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${file}: metadata "steps" is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CheckpointError(`${file}: metadata "steps" is not a JSON object`);
  for (const [name, n] of Object.entries(raw)) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new CheckpointError(`${file}: metadata "steps" for "${name}" is ${JSON.stringify(n)}, not a step count`);
  }
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(Object.entries(raw)) as Record<string, number>;
}
