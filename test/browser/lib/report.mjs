/**
 * Turns the page's events into terminal lines: one per test as it finishes,
 * then a summary that repeats every failure (so it is not lost in scrollback)
 * and says which adapter ran the tests.
 */
const MARK = { pass: '✓', fail: '✗', skip: '-' };

const indent = (text, by = '      ') => text.split('\n').map((l) => by + l).join('\n');

export function resultLine(r) {
  const head = `  ${MARK[r.status] ?? '?'} ${r.name} (${r.ms} ms)`;
  if (r.status === 'fail') return `${head}\n${indent(r.error ?? 'failed (no message)')}`;
  if (r.status === 'skip') return `${head} skipped: ${r.reason}`;
  return r.note ? `${head}: ${r.note}` : head;
}

export function adapterLines(a) {
  if (!a) return ['adapter: none (the page never got one)'];
  const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ') || '(no description)';
  return [
    `adapter: ${name}${a.isCPU ? ' (a CPU adapter)' : ''}`,
    `  device features: ${a.features.length ? a.features.join(', ') : '(none)'}`,
    `  browser: ${a.userAgent}`,
  ];
}

/** Summary lines; `problems` are failures outside any test (timeouts, crashes, drift). */
export function summaryLines({ results, problems, seconds, filteredOut }) {
  const count = (s) => results.filter((r) => r.status === s).length;
  const failed = results.filter((r) => r.status === 'fail');
  const lines = [''];
  if (failed.length || problems.length) {
    lines.push('FAILURES:');
    for (const r of failed) lines.push(`  ✗ ${r.name}\n${indent(r.error ?? '')}`);
    for (const p of problems) lines.push(`  ✗ ${p}`);
    lines.push('');
  }
  const filtered = filteredOut ? `, ${filteredOut} left out by --grep` : '';
  lines.push(`browser tests: ${count('pass')} passed, ${count('skip')} skipped, ${failed.length} failed${problems.length ? `, ${problems.length} run problem(s)` : ''}${filtered} in ${seconds.toFixed(1)} s`);
  return lines;
}
