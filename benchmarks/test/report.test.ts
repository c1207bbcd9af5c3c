/**
 * The report's naming and reading aids, on the adapter descriptions the suite
 * has met: lavapipe names itself in `description`; Dawn on NVIDIA gives only
 * vendor and driver there and the card in `device`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairedRatio, repsFor } from '../src/harness.js';
import { adapterName, adapterSlug } from '../src/report/meta.js';
import { f32Peak } from '../src/report/peaks.js';
import { HISTORY_HEADING, renderIndex } from '../src/report/readme.js';

const lavapipe = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1' };
const h100 = { vendor: 'nvidia', architecture: '', device: 'nvidia-h100-80gb-hbm3', description: 'NVIDIA: 580.159.04 580.159.4.0' };
const h100pcie = { vendor: 'nvidia', architecture: '', device: 'nvidia-h100-pcie', description: 'NVIDIA: 550.54' };
const swiftshader = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader Device (Subzero)' };

describe('benchmark report', () => {
  it('names result folders after the adapter model, never just the vendor', () => {
    expect(adapterSlug(lavapipe)).toBe('mesa-llvmpipe');
    expect(adapterSlug(h100)).toBe('nvidia-h100-80gb-hbm3');
    expect(adapterSlug(swiftshader)).toBe('google-swiftshader-device-subzero');
  });

  it('heads a report with the card where the description only gives the driver', () => {
    expect(adapterName(lavapipe)).toBe(lavapipe.description);
    expect(adapterName(h100)).toBe('nvidia-h100-80gb-hbm3 (NVIDIA: 580.159.04 580.159.4.0)');
  });

  it('knows the f32 peak of the cards it has run on and claims none for CPU adapters', () => {
    expect(f32Peak(h100)?.gflops).toBe(66_900);
    expect(f32Peak(h100pcie)?.gflops).toBe(51_200);
    expect(f32Peak(lavapipe)).toBeNull();
    expect(f32Peak(swiftshader)).toBeNull();
  });

  it('pairs rounds: the ratio is the median of per-round TF.js/ours time ratios, with their range', () => {
    // Round 2 ran in a slow phase for both: its pair still gives 5×, where a ratio of medians would mix phases.
    const { ratio, range } = pairedRatio([1, 2, 1.1], [4.4, 10, 6.6]);
    expect(ratio).toBeCloseTo(5, 12);
    expect(range[0]).toBeCloseTo(4.4, 12);
    expect(range[1]).toBeCloseTo(6, 12);
    expect(() => pairedRatio([1, 2], [3])).toThrow(/2 rounds of ours against 1 of TF.js/);
  });

  it('sizes samples from a batch, so a wait latency in single runs does not shrink them', () => {
    const opts = { targetSampleMs: 25, maxReps: 100 };
    // A 0.2 ms kernel behind a 1.8 ms wait: single runs say 2 ms a run, 12 runs a sample.
    expect(repsFor(1, 2, opts)).toBe(12);
    // Those 12 took 4.2 ms (12 × 0.2 + 1.8): resized to the 71 runs that fill 25 ms.
    expect(repsFor(12, 4.2, opts)).toBe(71);
    // Capped at maxReps, never below one run, even for a run longer than the target.
    expect(repsFor(12, 1, opts)).toBe(100);
    expect(repsFor(1, 400, opts)).toBe(1);
  });

  it('keeps the hand-written history section when it rewrites the index', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-index-'));
    expect(renderIndex(dir)).not.toContain(HISTORY_HEADING);
    const history = `${HISTORY_HEADING}\n\n| target | abc1234 |\n|---|---|\n| matmul | 6× |\n`;
    writeFileSync(join(dir, 'README.md'), `# Benchmark results\n\nold table\n\n${history}`);
    const index = renderIndex(dir);
    expect(index.startsWith('# Benchmark results\n')).toBe(true);
    expect(index).not.toContain('old table');
    expect(index.endsWith(`\n${history}`)).toBe(true);
    writeFileSync(join(dir, 'README.md'), index);
    expect(renderIndex(dir)).toBe(index);
  });
});
