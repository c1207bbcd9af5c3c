// The progress bar: its clock format, and when a pipe gets a line.
import { expect, test } from 'vitest';
import { fmtTime, Progress } from '../src/train/progress.js';

test('fmtTime rounds to whole seconds before splitting, so seconds never read 60', () => {
  expect(fmtTime(0)).toBe('0:00');
  expect(fmtTime(59.4)).toBe('0:59');
  expect(fmtTime(59.6)).toBe('1:00');
  expect(fmtTime(119.6)).toBe('2:00');
  expect(fmtTime(754)).toBe('12:34');
  expect(fmtTime(3599.7)).toBe('1h00m');
  expect(fmtTime(3 * 3600 + 5 * 60)).toBe('3h05m');
  expect(fmtTime(Infinity)).toBe('--:--');
});

/** A pipe (not a TTY) and a clock the test moves, in seconds. */
function piped(total: number, intervalS: number) {
  const lines: string[] = [];
  let nowS = 0;
  const progress = new Progress('job', total, 0, {
    out: { isTTY: false, write: (s: string) => lines.push(s) },
    intervalS,
    now: () => nowS * 1000,
  });
  return { lines, progress, at: (s: number) => (nowS = s) };
}

test('on a pipe, a line at each tenth of the run and at the end', () => {
  const { lines, progress, at } = piped(100, 1e9);
  for (let step = 1; step <= 100; step++) {
    at(step);
    progress.update(step);
  }
  // Step 1 opens bucket 0; steps 10, 20, ..., 100 open the others.
  expect(lines.map((l) => Number(/ (\d+)\/100 /.exec(l)?.[1]))).toEqual([1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
});

test('on a pipe, a line also whenever the interval has passed, so a long run shows it moving', () => {
  const { lines, progress, at } = piped(10_000, 60);
  for (let step = 1; step <= 500; step++) {
    at(step); // one step a second: within the first tenth for all 500 steps
    progress.update(step);
  }
  // The first update, then one at each 60 s after the last line.
  expect(lines.map((l) => Number(/ (\d+)\/10000 /.exec(l)?.[1]))).toEqual([1, 61, 121, 181, 241, 301, 361, 421, 481]);
});

test('the rate and ETA count from the first update, so a slow start-up does not stretch them', () => {
  const { lines, progress, at } = piped(1000, 1);
  at(100); // 100 s of compiles before the first step lands
  progress.update(1);
  at(110); // then 10 steps a second
  progress.update(101);
  expect(lines[1]).toContain(' 10.00 steps/s ');
  expect(lines[1]).toContain('ETA 1:30'); // 899 steps at 10 steps/s
});
