/** --methods and --against lists: every method by name, and nothing else, before any GPU work. */
import { expect, test } from 'vitest';
import { ALL_METHODS, parseMethods } from '../src/experiment/methods.js';

test('parses a comma-separated list of method names, spaces and empty items ignored', () => {
  expect(parseMethods(' single, bam ,,multi')).toEqual(['single', 'bam', 'multi']);
  expect(parseMethods(ALL_METHODS.join(','))).toEqual([...ALL_METHODS]);
});

test.each(['foo', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])('refuses "%s", naming it and the valid methods', (name) => {
  expect(() => parseMethods(`single,${name}`)).toThrow(`unknown method "${name}"; valid: ${ALL_METHODS.join(', ')}`);
});
