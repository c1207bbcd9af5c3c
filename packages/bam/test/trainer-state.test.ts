import { describe, expect, test } from 'vitest';
import { CheckpointError } from '@bamgpu/bert';
import { parseOptimizerSteps } from '../src/train/checkpoint.js';
import { validatePretrainState } from '../src/pretrain/pretrainer.js';
import { checkRunState, checkTrainerState, parseTrainerState, type TrainerState } from '../src/train/trainer-state.js';

const FILE = 'run/checkpoint/trainer_state.json';
const good: TrainerState = {
  step: 40,
  totalSteps: 300,
  mixer: { rng: 123456789, cursors: [3, 0], epochs: [1, 2] },
  generator: { seed: 42, calls: 17, algorithm: 'philox4x32-10' },
  configKey: 'abc',
  history: [{ type: 'start', totalSteps: 300 }],
};

function refusal(text: string): CheckpointError {
  try {
    parseTrainerState(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as CheckpointError;
  }
  throw new Error('expected a refusal');
}

describe('trainer_state.json', () => {
  test('what saveCheckpoint writes reads back unchanged', () => {
    expect(parseTrainerState(JSON.stringify(good), FILE)).toEqual(good);
  });

  test.each<[string, unknown, RegExp]>([
    ['a step past the end', { ...good, step: 5000 }, /"step" is 5000, past totalSteps 300/],
    ['an empty schedule', { ...good, step: 0, totalSteps: 0 }, /"totalSteps" must be at least 1, got 0/],
    ['a negative step', { ...good, step: -1 }, /"step" must be a non-negative integer, got -1/],
    ['a missing mixer', { ...good, mixer: undefined }, /"mixer" must be an object/],
    ['a cursor that is a string', { ...good, mixer: { ...good.mixer, cursors: ['3'] } }, /"mixer.cursors" must be a list of non-negative integers/],
    ['an rng state over 32 bits', { ...good, mixer: { ...good.mixer, rng: 2 ** 40 } }, /"mixer.rng" must be a 32-bit state/],
    ['a fractional seed', { ...good, generator: { ...good.generator, seed: 0.5 } }, /"generator.seed" must be an integer/],
    ['an earlier engine\'s generator', { ...good, generator: { seed: 42, calls: 17 } }, /"generator.algorithm" is missing \(an earlier engine's generator\), but this engine draws with philox4x32-10/],
    ['another generator', { ...good, generator: { ...good.generator, algorithm: 'mt19937' } }, /"generator.algorithm" is "mt19937", but this engine draws with philox4x32-10; .* start it afresh/],
    ['a config key that is not a string', { ...good, configKey: 7 }, /"configKey" must be a string/],
    ['a history that is not a list', { ...good, history: {} }, /"history" must be a list/],
    ['an array', [good], /trainer state is not a JSON object/],
  ])('refuses %s, naming the file and field', (_what, value, message) => {
    const e = refusal(JSON.stringify(value));
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    expect(e.message).toMatch(message);
  });

  test('refuses a truncated file', () => {
    expect(refusal(JSON.stringify(good).slice(0, 30)).message).toMatch(/not valid JSON/);
  });
});

describe('the checks every loop shares, and the pre-trainer\'s own', () => {
  const pretrain = { step: 3, totalSteps: 10, generator: { seed: 7, calls: 4, algorithm: 'philox4x32-10' }, configKey: 'k', history: [], tokens: 1200, seconds: 2.5 };
  const readPretrain = (v: unknown) => validatePretrainState(checkRunState(v, FILE), FILE);

  test('a pre-training state reads back unchanged', () => {
    expect(readPretrain(pretrain)).toEqual(pretrain);
  });

  test.each<[string, unknown, RegExp]>([
    ['a step past the end', { ...pretrain, step: 11 }, /"step" is 11, past totalSteps 10/],
    ['a missing history', { ...pretrain, history: undefined }, /"history" must be a list/],
    ['a generator without calls', { ...pretrain, generator: { seed: 7, algorithm: 'philox4x32-10' } }, /"generator.calls" must be a non-negative integer, got nothing/],
    ['a config key that is not a string', { ...pretrain, configKey: null }, /"configKey" must be a string, got null/],
    ['negative tokens', { ...pretrain, tokens: -1 }, /"tokens" must be a non-negative number, got -1/],
    ['seconds as a string', { ...pretrain, seconds: '2' }, /"seconds" must be a non-negative number, got "2"/],
  ])('refuses %s, naming the file and field', (_what, value, message) => {
    let caught: unknown;
    try {
      readPretrain(value);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckpointError);
    expect((caught as Error).message.startsWith(`${FILE}: `)).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });

  test('a state made for another schedule is refused', () => {
    expect(() => checkTrainerState(good, FILE, 200)).toThrow(/"totalSteps" is 300: made for a schedule of 300 steps, this run has 200/);
    expect(() => checkTrainerState(good, FILE, 300)).not.toThrow();
  });
});

describe('optimizer.safetensors "steps" metadata', () => {
  test('reads step counts, and a "__proto__" name stays data', () => {
    const steps = parseOptimizerSteps('{"w": 3, "__proto__": 2}', 'optimizer.safetensors');
    expect(Object.entries(steps)).toEqual([['w', 3], ['__proto__', 2]]);
    expect(Object.getPrototypeOf(steps)).toBe(Object.prototype);
  });

  test('refuses what is not a map of step counts', () => {
    expect(() => parseOptimizerSteps('{"w": -1}', 'opt.st')).toThrow(/opt\.st: metadata "steps" for "w" is -1, not a step count/);
    expect(() => parseOptimizerSteps('{', 'opt.st')).toThrow(CheckpointError);
  });
});
