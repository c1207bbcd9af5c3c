import { Generator, type GeneratorState } from '@bamgpu/core';
import { CheckpointError } from '@bamgpu/bert';
import type { MixerState } from './mixer.js';

/** What every saved run state has, whichever loop wrote it (fine-tuning or pre-training). */
export interface RunState {
  step: number;
  totalSteps: number;
  history: unknown[];
}

/** Everything besides tensors that a resumed run needs to continue exactly. */
export interface TrainerState {
  /** Optimiser steps taken. */
  step: number;
  totalSteps: number;
  mixer: MixerState;
  /** The GPU generator driving dropout. */
  generator: GeneratorState;
  /** Fingerprint of the run's configuration; resuming under another is refused. */
  configKey: string;
  /** Logged events so far (loss, λ, lr, dev metrics), replayed into the metrics log. */
  history: unknown[];
}

/** Checks a loop's own fields of a parsed state file (the common RunState fields are already checked); CheckpointError naming file and field. */
export type StateValidator<S extends RunState> = (raw: RunState & Record<string, unknown>, file: string) => S;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const show = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)).slice(0, 60));

/**
 * Field checks for a state validator: each refusal is a CheckpointError
 * `<file>: trainer state "<field>" <problem>`.
 */
export function stateFields(file: string) {
  const fail = (field: string, problem: string): never => {
    throw new CheckpointError(`${file}: trainer state "${field}" ${problem}`);
  };
  const count = (o: Json, key: string, field = key): number => (isCount(o[key]) ? o[key] : fail(field, `must be a non-negative integer, got ${show(o[key])}`));
  const counts = (o: Json, key: string, field: string): number[] => {
    const v = o[key];
    if (!Array.isArray(v) || !v.every(isCount)) return fail(field, `must be a list of non-negative integers, got ${show(v)}`);
    return [...v];
  };
  const nonNegative = (o: Json, key: string, field = key): number => {
    const v = o[key];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(field, `must be a non-negative number, got ${show(v)}`);
  };
  const string = (o: Json, key: string, field = key): string => (typeof o[key] === 'string' ? (o[key] as string) : fail(field, `must be a string, got ${show(o[key])}`));
  const generator = (o: Json): GeneratorState => {
    const g = o.generator;
    if (!isObject(g)) return fail('generator', `must be an object {seed, calls, algorithm}, got ${show(g)}`);
    const seed = g.seed;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail('generator.seed', `must be an integer, got ${show(seed)}`);
    const calls = count(g, 'calls', 'generator.calls');
    // Another generator's draws cannot continue this one's run: refused, not resumed into different dropout.
    if (g.algorithm !== Generator.algorithm) {
      fail('generator.algorithm', `is ${g.algorithm === undefined ? 'missing (an earlier engine\'s generator)' : show(g.algorithm)}, but this engine draws with ${Generator.algorithm}; the run cannot resume as it began, so start it afresh`);
    }
    return { seed: seed as number, calls, algorithm: Generator.algorithm };
  };
  return { fail, count, counts, nonNegative, string, generator };
}

/**
 * The fields every loop's state has. A resumed run continues from these
 * numbers: the step must lie inside its own schedule (totalSteps ≥ 1) and
 * the history must be a list; anything else (a hand-edited or foreign file)
 * is refused rather than resumed into a run that would skip training.
 */
export function checkRunState(raw: unknown, file: string): RunState & Json {
  if (!isObject(raw)) throw new CheckpointError(`${file}: trainer state is not a JSON object`);
  const { fail, count } = stateFields(file);
  const totalSteps = count(raw, 'totalSteps');
  if (totalSteps < 1) fail('totalSteps', `must be at least 1, got ${totalSteps}`);
  const step = count(raw, 'step');
  if (step > totalSteps) fail('step', `is ${step}, past totalSteps ${totalSteps}`);
  if (!Array.isArray(raw.history)) fail('history', `must be a list of logged events, got ${show(raw.history)}`);
  return raw as RunState & Json;
}

/**
 * A saved state's checks (checkRunState), and that it was made for this
 * run's schedule: resuming 300 saved steps into a 200-step run is refused.
 */
export function checkTrainerState(state: unknown, file: string, expectedTotal?: number): void {
  const { totalSteps } = checkRunState(state, file);
  if (expectedTotal !== undefined && totalSteps !== expectedTotal) {
    throw new CheckpointError(`${file}: trainer state "totalSteps" is ${totalSteps}: made for a schedule of ${totalSteps} steps, this run has ${expectedTotal}`);
  }
}

/** Parses a state file's text: not JSON is a CheckpointError naming the file. */
export function parseStateJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${file}: unreadable trainer state, not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** The fine-tuning loop's own fields (mixer, generator, configKey), each checked for type and range. */
export const validateTrainerState: StateValidator<TrainerState> = (raw, file) => {
  const { fail, count, counts, string, generator } = stateFields(file);
  const mixer = raw.mixer;
  if (!isObject(mixer)) return fail('mixer', `must be an object {rng, cursors, epochs}, got ${show(mixer)}`);
  const rng = count(mixer, 'rng', 'mixer.rng');
  if (rng > 0xffffffff) fail('mixer.rng', `must be a 32-bit state, got ${rng}`);
  const gen = generator(raw);
  const configKey = string(raw, 'configKey');
  return {
    step: raw.step,
    totalSteps: raw.totalSteps,
    mixer: { rng, cursors: counts(mixer, 'cursors', 'mixer.cursors'), epochs: counts(mixer, 'epochs', 'mixer.epochs') },
    generator: gen,
    configKey,
    history: raw.history,
  };
};

/**
 * Reads trainer_state.json. A resumed run continues from these numbers, so
 * each field is checked for type and range: a damaged or foreign file is a
 * CheckpointError naming the file and the field, not a run that resumes from
 * nonsense (a step past the end, a cursor of "3", a missing mixer).
 */
export function parseTrainerState(text: string, file: string): TrainerState {
  return validateTrainerState(checkRunState(parseStateJson(text, file), file), file);
}
