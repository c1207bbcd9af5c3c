// What a new user types first: the version, and help for every command,
// on stdout with exit 0 (help reached by -h as by --help).
import { afterEach, expect, test, vi } from 'vitest';
import { main } from '../src/cli/main.js';

afterEach(() => vi.restoreAllMocks());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { out, err };
}

test('bam --version and -V print the package version', async () => {
  for (const flag of ['--version', '-V']) {
    const { out } = capture();
    expect(await main([flag])).toBe(0);
    expect(out.join('\n')).toMatch(/^@bamgpu\/bam \d+\.\d+\.\d+$/);
    vi.restoreAllMocks();
  }
});

test.each(['run', 'pretrain', 'probe', 'train', 'predict', 'eval', 'experiment', 'compare', 'demo'])('bam %s -h and --help: usage on stdout, exit 0', async (cmd) => {
  for (const flag of ['-h', '--help']) {
    const { out, err } = capture();
    expect(await main([cmd, flag])).toBe(0);
    expect(out.join('\n')).toMatch(/^usage: bam /);
    expect(err).toEqual([]);
    vi.restoreAllMocks();
  }
});

test('bam -h lists the commands; a missing command is a usage error', async () => {
  const { out } = capture();
  expect(await main(['-h'])).toBe(0);
  expect(out.join('\n')).toContain('pretrain');
  vi.restoreAllMocks();
  capture();
  expect(await main([])).toBe(2);
});
