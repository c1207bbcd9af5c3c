import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSafetensors, serializeSafetensors, toFloat32, type AdamW, type AdamWState, type Module } from '@bamgpu/core';
import { CheckpointError } from '@bamgpu/bert';
import { exists, makeDir, writeFileNamed } from '../io/fs-safe.js';
import { assertFiniteTensor } from './finite-guard.js';
import { removeLeftovers } from './output-lock.js';
import { checkRunState, parseStateJson, type RunState, type StateValidator, type TrainerState } from './trainer-state.js';

export { checkRunState, checkTrainerState, parseTrainerState, validateTrainerState } from './trainer-state.js';
export type { RunState, StateValidator, TrainerState } from './trainer-state.js';

const STATE_FILE = 'trainer_state.json';
const MODEL_FILE = 'model.safetensors';
const OPTIM_FILE = 'optimizer.safetensors';

/**
 * Writes `<dir>/checkpoint` atomically: everything goes to a fresh temporary
 * folder first, which then replaces the previous checkpoint by rename, so a
 * run killed at any moment leaves either the old or the new checkpoint whole.
 */
export async function saveCheckpoint<S extends RunState = TrainerState>(dir: string, model: Module, optimizer: AdamW, state: S): Promise<void> {
  await makeDir(dir);
  const final = join(dir, 'checkpoint');
  const tmp = join(dir, `checkpoint.tmp-${process.pid}-${Date.now()}`);
  const old = join(dir, 'checkpoint.old');
  // Read everything back and check it before touching the disk: a NaN
  // anywhere must leave the previous (good) checkpoint in place.
  const weights = await model.stateDict();
  for (const [n, t] of weights) assertFiniteTensor(t.data, `checkpoint at step ${state.step}: weight "${n}"`);
  const opt = await optimizer.stateDict();
  const entries: [string, { dtype: 'F32'; shape: number[]; data: Float32Array }][] = [];
  for (const [n, m] of opt.m) entries.push([`m.${n}`, { dtype: 'F32', shape: [m.length], data: m }]);
  for (const [n, v] of opt.v) entries.push([`v.${n}`, { dtype: 'F32', shape: [v.length], data: v }]);
  for (const [n, e] of entries) assertFiniteTensor(e.data, `checkpoint at step ${state.step}: optimizer state "${n}"`);
  await makeDir(tmp);
  try {
    await writeFileNamed(join(tmp, MODEL_FILE), serializeSafetensors([...weights].map(([n, t]) => [n, { dtype: 'F32', shape: t.shape, data: t.data }] as const), { format: 'pt' }));
    await writeFileNamed(join(tmp, OPTIM_FILE), serializeSafetensors(entries, { steps: JSON.stringify(opt.steps) }));
    await writeFileNamed(join(tmp, STATE_FILE), JSON.stringify(state));
    await rm(old, { recursive: true, force: true });
    if (await exists(final)) await rename(final, old);
    await rename(tmp, final);
    await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A run must say what to do with a checkpoint already in its folder: continue
 * it (resume) or replace it (overwrite); silently starting over would discard
 * it at the first save. Returns the checkpoint found, if any.
 */
export async function checkExistingCheckpoint(dir: string, o: { resume?: boolean; overwrite?: boolean }): Promise<string | null> {
  const found = await findCheckpoint(dir);
  if (found && !o.resume && !o.overwrite) {
    throw new Error(`${found} exists: pass --resume to continue that run, or --overwrite to start again and replace it`);
  }
  return found;
}

/**
 * Readies a locked output folder for a run: removes a killed run's
 * leftovers, refuses an existing checkpoint unless the run resumes or
 * overwrites it, deletes it on overwrite. Returns the checkpoint to resume
 * from (null when not resuming or when there is none).
 */
export async function prepareRunFolder(dir: string, o: { resume?: boolean; overwrite?: boolean }): Promise<string | null> {
  await removeLeftovers(dir); // the caller holds the folder's lock: these belong to a killed run
  const found = await checkExistingCheckpoint(dir, o);
  if (found && o.overwrite) {
    for (const name of ['checkpoint', 'checkpoint.old']) await rm(join(dir, name), { recursive: true, force: true });
    return null;
  }
  return o.resume ? found : null;
}

/** The checkpoint folder to resume from: `checkpoint`, or `checkpoint.old` if a crash fell between the two renames. */
export async function findCheckpoint(dir: string): Promise<string | null> {
  for (const name of ['checkpoint', 'checkpoint.old']) {
    const p = join(dir, name);
    if (await exists(join(p, STATE_FILE))) return p;
  }
  return null;
}

/**
 * Restores weights and optimiser state; returns the saved run state (`S`: the
 * trainer's, or the pre-trainer's). The state is read and checked first, so a
 * bad file leaves the model untouched: every loop gets the common RunState
 * checks (checkRunState), and `validate` checks the loop's own fields (the
 * trainer's validateTrainerState, the pre-trainer's); without it only the
 * common fields are known to be sound (and the type says so). Refusals are CheckpointErrors naming
 * the file and the field.
 */
export async function loadCheckpoint(path: string, model: Module, optimizer: AdamW): Promise<RunState & Record<string, unknown>>;
export async function loadCheckpoint<S extends RunState>(path: string, model: Module, optimizer: AdamW, validate: StateValidator<S>): Promise<S>;
export async function loadCheckpoint<S extends RunState>(path: string, model: Module, optimizer: AdamW, validate?: StateValidator<S>): Promise<S | (RunState & Record<string, unknown>)> {
  const stateFile = join(path, STATE_FILE);
  let text: string;
  try {
    text = await readFile(stateFile, 'utf8');
  } catch (e) {
    throw new CheckpointError(`${stateFile}: unreadable trainer state (${e instanceof Error ? e.message : e})`);
  }
  const common = checkRunState(parseStateJson(text, stateFile), stateFile);
  const runState = validate ? validate(common, stateFile) : common;
  const weightsFile = join(path, MODEL_FILE);
  const parsed = parseSafetensors(new Uint8Array(await readFile(weightsFile)), weightsFile);
  const weights = new Map<string, Float32Array>();
  const shapes = new Map<string, number[]>();
  for (const [n, e] of parsed.tensors) {
    const data = toFloat32(e);
    assertFiniteTensor(data, `${weightsFile}: tensor "${n}"`);
    weights.set(n, data);
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
    const data = toFloat32(e);
    assertFiniteTensor(data, `${optFile}: tensor "${n}"`);
    if (n.startsWith('m.')) state.m.set(n.slice(2), data);
    else if (n.startsWith('v.')) state.v.set(n.slice(2), data);
  }
  optimizer.loadStateDict(state);
  return runState;
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
