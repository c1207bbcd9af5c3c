import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PickleError, writePickle, type PickleValue } from '../src/io/pickle.js';
import { TeacherPredictionsError, checkTeacherCoverage, parseTeacherPredictions } from '../src/train/teachers.js';

const FILE = 'models/t/outputs/rte_train_predictions_1.pkl';
const pickle = (entries: [PickleValue, PickleValue][]) => writePickle(new Map(entries));

function refusal(bytes: Uint8Array): Error {
  try {
    parseTeacherPredictions(bytes, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(TeacherPredictionsError);
    expect((e as Error).message.startsWith(`${FILE}: `)).toBe(true);
    return e as Error;
  }
  throw new Error('expected a refusal');
}

describe('teacher predictions files', () => {
  test('reads logits and scores, from our pickles and numpy ones', () => {
    expect(parseTeacherPredictions(pickle([[0, [1.5, -2]], [4, [0, 1]]]), FILE)).toEqual(new Map([[0, [1.5, -2]], [4, [0, 1]]]));
    const numpy = new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', 'pickle', 'cls_predictions.pkl')));
    expect(parseTeacherPredictions(numpy, FILE).get(7)).toEqual([-1, 3.25]);
    expect(parseTeacherPredictions(pickle([[2, 0.5]]), FILE)).toEqual(new Map([[2, 0.5]]));
  });

  test.each<[string, [PickleValue, PickleValue][] | PickleValue, RegExp]>([
    ['a list instead of a dict', [1, 2], /expected a dict of example id → prediction/],
    ['a string id', [['7', [1, 2]]], /example id "7" is not a non-negative integer/],
    ['a negative id', [[-1, [1, 2]]], /example id -1 is not a non-negative integer/],
    ['a fractional id', [[1.5, [1, 2]]], /example id 1.5 is not a non-negative integer/],
    ['a string prediction', [[0, 'x']], /prediction for example 0 is neither a number nor a list of logits/],
    ['a nested list', [[0, [[1], [2]]]], /prediction for example 0 holds a object, not a number/],
    ['two label counts in one file', [[0, [1, 2]], [1, [1, 2, 3]]], /example 1 has 3 outputs but example 0 has 2; a teacher predicts one label count throughout/],
    ['a NaN logit', [[0, [1, 2]], [3, [Number.NaN, 0]]], /prediction for example 3, logit 0, is NaN; refused/],
    ['an infinite score', [[0, Number.POSITIVE_INFINITY]], /prediction for example 0 is Infinity; refused/],
  ])('refuses %s, naming the file and the example', (_what, value, message) => {
    const bytes = Array.isArray(value) && value.every(Array.isArray) ? pickle(value as [PickleValue, PickleValue][]) : writePickle(value as PickleValue);
    expect(refusal(bytes).message).toMatch(message);
  });

  test('an unreadable pickle is a PickleError naming the file', () => {
    expect(() => parseTeacherPredictions(Uint8Array.from([0x80, 2, 0x7d]), FILE)).toThrow(PickleError);
  });

  test('a label count that differs from the task is refused on any example, not only the first', () => {
    const teacher = new Map<number, number[]>([[0, [1, 2]], [1, [1, 2, 3]]]);
    expect(() => checkTeacherCoverage('rte', [0, 1], teacher, FILE, 2)).toThrow(/example 1 has 3 outputs, the task has 2/);
    expect(() => checkTeacherCoverage('rte', [0], new Map([[0, [1, 2, 3]]]), FILE, 2)).toThrow(TeacherPredictionsError);
    expect(() => checkTeacherCoverage('rte', [0, 1], new Map([[0, [1, 2]], [1, [3, 4]]]), FILE, 2)).not.toThrow();
  });
});
