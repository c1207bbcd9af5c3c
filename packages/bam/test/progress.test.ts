// The progress bar's clock: minutes and seconds that carry, hours past the hour.
import { expect, test } from 'vitest';
import { fmtTime } from '../src/train/progress.js';

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
