/**
 * End to end on one --quick row (softmax: the cheapest, on both libraries):
 * the suite runs, writes its JSON, and the row has every field with finite
 * positive numbers. No timing assertions — speed is what the suite reports,
 * not what a test can demand.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, runBenchmarks } from '../src/cli.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { RunRecord } from '../src/report/meta.js';
import type { SideResult } from '../src/types.js';

const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;

function checkSide(s: SideResult | null): void {
  expect(s).not.toBeNull();
  const side = s!;
  expect(side.repsPerSample).toBeGreaterThanOrEqual(1);
  expect(side.samplesMs.length).toBeGreaterThanOrEqual(2);
  for (const x of side.samplesMs) expect(positive(x)).toBe(true);
  expect(positive(side.medianMs)).toBe(true);
  expect(positive(side.rate)).toBe(true);
  expect(Number.isFinite(side.rmePercent)).toBe(true);
  if (side.gpuMedianMs !== null) {
    expect(positive(side.gpuMedianMs)).toBe(true);
    expect(positive(side.gpuRate)).toBe(true);
  }
}

describe('benchmark suite', () => {
  it('runs one --quick row on ours and TF.js and writes a well-formed JSON row', async () => {
    const opts = parseCli(['--quick', '--only', '^softmax/', '--out', out]);
    const lines: string[] = [];
    const { written } = await runBenchmarks(opts, (l) => lines.push(l));
    const run = JSON.parse(readFileSync(written.json, 'utf8')) as RunRecord;

    expect(run.schema).toBe(1);
    expect(run.partial).toBe(true);
    expect(run.adapter.slug).toMatch(/^[a-z0-9-]+$/);
    expect(run.node).toBe(process.version);
    expect(run.machine.cpus).toBeGreaterThan(0);
    expect(run.rows).toHaveLength(1);

    const row = run.rows[0];
    expect(row.id).toBe('softmax/1536x128');
    expect(row.unit).toBe('GB/s');
    expect(row.work).toBe(2 * 1536 * 128 * 4);
    expect(row.errors).toBeUndefined();
    checkSide(row.ours);
    checkSide(row.tfjs);
    expect(positive(row.ratio)).toBe(true);
    // Quick runs sample in two rounds, taken in turn; the ratio is the median of the rounds' ratios.
    expect(run.harness.rounds).toBe(2);
    expect(row.ours!.roundMediansMs).toHaveLength(2);
    expect(row.tfjs!.roundMediansMs).toHaveLength(2);
    const [lo, hi] = row.ratioRange!;
    expect(lo).toBeLessThanOrEqual(row.ratio!);
    expect(row.ratio!).toBeLessThanOrEqual(hi);
    expect(readFileSync(written.index, 'utf8')).toContain(run.adapter.slug);
  });

  it('samples a row\'s other path in the same rounds and reports the paired speed-up', async () => {
    // Fused attention at T=128 against our composed path; TF.js off to keep it short.
    const opts = parseCli(['--quick', '--no-tfjs', '--only', '^attention/fused-fwd-bwd-t128$', '--out', out]);
    const { written } = await runBenchmarks(opts, () => undefined);
    const run = JSON.parse(readFileSync(written.json, 'utf8')) as RunRecord;
    expect(run.rows).toHaveLength(1);
    const row = run.rows[0];
    expect(row.errors).toBeUndefined();
    checkSide(row.ours);
    const v = row.versus!;
    expect(v.name).toBe('composed');
    expect(v.error).toBeUndefined();
    checkSide(v.side);
    expect(v.side!.roundMediansMs).toHaveLength(2);
    // The speed-up is the median of per-round (composed / fused) time ratios, so it lies within their range.
    const perRound = v.side!.roundMediansMs!.map((ms, i) => ms / row.ours!.roundMediansMs![i]);
    expect(v.range).toEqual([Math.min(...perRound), Math.max(...perRound)]);
    expect(v.speedup!).toBeCloseTo((perRound[0] + perRound[1]) / 2, 12);
    const md = renderMarkdown(run, 'x.json');
    expect(md).toContain('| attention/fused-fwd-bwd-t128 |');
    expect(md).toMatch(/\| composed \| [^|]+ \| \*\*[0-9.]+×\*\* \(/);
  });
});
