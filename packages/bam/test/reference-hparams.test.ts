import { describe, expect, test } from 'vitest';
import { HparamsError, resolveReferenceHparams } from '../src/cli/reference-hparams.js';
import { SettingsError } from '../src/settings/rules.js';

describe('hparams as configure.py applies them', () => {
  test('unknown keys are refused, listing the valid ones', () => {
    expect(() => resolveReferenceHparams('m', '{"task_names": ["rte"], "learning_rat": 1}')).toThrow(/hparams "learning_rat": unknown argument.*valid keys: model_name, debug/);
    expect(() => resolveReferenceHparams('m', '{"n_tasks": 2}')).toThrow(HparamsError);
  });

  test('single-task defaults apply unless given explicitly; debug defaults too', () => {
    const single = resolveReferenceHparams('m', '{"task_names": ["rte"]}');
    expect([single.train_batch_size, single.num_train_epochs, single.learning_rate, single.dataset_multiples]).toEqual([32, 3, 5e-5, false]);
    const explicit = resolveReferenceHparams('m', '{"task_names": ["rte"], "learning_rate": 2e-5}');
    expect(explicit.learning_rate).toBe(2e-5);
    const multi = resolveReferenceHparams('m', '{"task_names": ["rte", "mrpc"]}');
    expect([multi.train_batch_size, multi.learning_rate, multi.dataset_multiples]).toEqual([128, 1e-4, true]);
    expect(() => resolveReferenceHparams('m', '{"task_names": ["rte"], "distill": true}')).toThrow(/hparams "teachers": distill is on but there is no model for: rte/);
  });

  test.each<[string, string, RegExp]>([
    ['a string for a flag', '{"debug": "false"}', /hparams "debug": must be true or false \(a boolean\), got the string "false"/],
    ['a string for a number', '{"learning_rate": "abc"}', /hparams "learning_rate": must be a number > 0, got the string "abc"/],
    ['null task names', '{"task_names": null}', /hparams "task_names": must be a list, got null/],
    ['a task name that is not a string', '{"task_names": ["rte", 3]}', /hparams "task_names": \[1\] must be a string, got 3/],
    ['an empty task list', '{"task_names": []}', /hparams "task_names": must not be empty/],
    ['a zero batch size', '{"predict_batch_size": 0}', /hparams "predict_batch_size": must be an integer ≥ 1, got 0/],
    ['teachers as a string', '{"distill": true, "teachers": "rte"}', /hparams "teachers": must be an object, got the string "rte"/],
    ['a number for a nullable string', '{"tpu_name": 3}', /hparams "tpu_name": must be a string, got 3/],
    ['an array', '[1]', /^hparams: must be a JSON object/],
    ['invalid JSON', '{"debug": tru', /^hparams: not valid JSON/],
  ])('refuses %s with a HparamsError naming the key', (_what, json, message) => {
    const run = () => resolveReferenceHparams('m', json);
    expect(run).toThrow(HparamsError);
    expect(run).toThrow(SettingsError); // so `bam run` reports it as a usage error (exit 2)
    expect(run).toThrow(message);
  });

  test('a teacher named "toString" is not found on the object prototype', () => {
    expect(() => resolveReferenceHparams('m', '{"task_names": ["toString"], "distill": true}')).toThrow(/no model for: toString/);
  });
});

test('a key holding quotes is JSON-quoted in the message (a fuzz finding)', () => {
  expect(() => resolveReferenceHparams('m', '{"\\"":""}')).toThrow(/^hparams "\\"": unknown argument/);
});
