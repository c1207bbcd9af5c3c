import { CheckpointError } from '@bamgpu/bert';
import type { MixerState } from './mixer.js';

/** Everything besides tensors that a resumed run needs to continue exactly. */
export interface TrainerState {
  /** Optimiser steps taken. */
  step: number;
  totalSteps: number;
  mixer: MixerState;
  /** The GPU generator driving dropout. */
  generator: { seed: number; calls: number };
  /** Fingerprint of the run's configuration; resuming under another is refused. */
  configKey: string;
  /** Logged events so far (loss, λ, lr, dev metrics), replayed into the metrics log. */
  history: unknown[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const show = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)).slice(0, 60));

/**
 * Reads trainer_state.json. A resumed run continues from these numbers, so
 * each field is checked for type and range: a damaged or foreign file is a
 * CheckpointError naming the file and the field, not a run that resumes from
 * nonsense (a step past the end, a cursor of "3", a missing mixer).
 */
export function parseTrainerState(text: string, file: string): TrainerState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${file}: unreadable trainer state, not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const fail = (field: string, problem: string): never => {
    throw new CheckpointError(`${file}: trainer state "${field}" ${problem}`);
  };
  if (!isObject(raw)) throw new CheckpointError(`${file}: trainer state is not a JSON object`);
  const count = (o: Json, key: string, field = key): number => (isCount(o[key]) ? o[key] : fail(field, `must be a non-negative integer, got ${show(o[key])}`));
  const counts = (o: Json, key: string, field: string): number[] => {
    const v = o[key];
    if (!Array.isArray(v) || !v.every(isCount)) return fail(field, `must be a list of non-negative integers, got ${show(v)}`);
    return [...v];
  };

  const step = count(raw, 'step');
  const totalSteps = count(raw, 'totalSteps');
  if (step > totalSteps) fail('step', `is ${step}, past totalSteps ${totalSteps}`);

  const mixer = raw.mixer;
  if (!isObject(mixer)) return fail('mixer', `must be an object {rng, cursors, epochs}, got ${show(mixer)}`);
  const rng = count(mixer, 'rng', 'mixer.rng');
  if (rng > 0xffffffff) fail('mixer.rng', `must be a 32-bit state, got ${rng}`);

  const generator = raw.generator;
  if (!isObject(generator)) return fail('generator', `must be an object {seed, calls}, got ${show(generator)}`);
  const seed = generator.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail('generator.seed', `must be an integer, got ${show(seed)}`);

  if (typeof raw.configKey !== 'string') fail('configKey', `must be a string, got ${show(raw.configKey)}`);
  if (!Array.isArray(raw.history)) fail('history', `must be a list of logged events, got ${show(raw.history)}`);
  return {
    step,
    totalSteps,
    mixer: { rng, cursors: counts(mixer, 'cursors', 'mixer.cursors'), epochs: counts(mixer, 'epochs', 'mixer.epochs') },
    generator: { seed: seed as number, calls: count(generator, 'calls', 'generator.calls') },
    configKey: raw.configKey as string,
    history: raw.history as unknown[],
  };
}
