/** --methods and --against lists: every method by name, and nothing else, before any GPU work. */
import { expect, test } from 'vitest';
import { UsageError } from '../src/cli/args.js';
import { demo } from '../src/cli/demo.js';
import { experimentCommand } from '../src/cli/experiment.js';
import { ALL_METHODS, methodList, parseMethods } from '../src/experiment/methods.js';

test('parses a comma-separated list of method names, spaces and empty items ignored', () => {
  expect(parseMethods(' single, bam ,,multi')).toEqual(['single', 'bam', 'multi']);
  expect(parseMethods(ALL_METHODS.join(','))).toEqual([...ALL_METHODS]);
});

test.each(['foo', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])('refuses "%s", naming it and the valid methods', (name) => {
  expect(() => parseMethods(`single,${name}`)).toThrow(`unknown method "${name}"; valid: ${ALL_METHODS.join(', ')}`);
});

test('the flags\' rule: at least one method, each by its own name', () => {
  expect(methodList('single, bam')).toBeNull();
  expect(methodList(ALL_METHODS.join(','))).toBeNull();
  expect(methodList(' , ')).toBe(`names no method; valid: ${ALL_METHODS.join(', ')}`);
  expect(methodList('multi,toString')).toBe(`has an unknown method "toString"; valid: ${ALL_METHODS.join(', ')}`);
  expect(methodList(3)).toBe('must be a comma-separated list of methods, got number');
});

// Both commands parse their flags before starting WebGPU, so these fail before any GPU work.
test.each([
  ['bam demo', demo],
  ['bam experiment', experimentCommand],
] as const)('%s --methods: an unknown or empty list is a usage error naming the flag', async (command, run) => {
  const refusal = (argv: string[]) => run(argv).then(() => undefined, (e: unknown) => e);
  for (const [list, why] of [['single,constructor', 'has an unknown method "constructor"'], [',', 'names no method']]) {
    const e = await refusal(['--methods', list]);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toBe(`${command}: --methods ${why}; valid: ${ALL_METHODS.join(', ')}`);
  }
});
