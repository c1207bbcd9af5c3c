/**
 * bench-results/README.md: one line per adapter that has results, newest run first, then the
 * hand-written HISTORY_HEADING section (the targets run by run) kept from the existing file.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { adapterName, type RunRecord } from './meta.js';

function runsIn(dir: string): RunRecord[] {
  const runs: RunRecord[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as RunRecord;
      if (r.schema === 1) runs.push(r);
    } catch {
      // not one of ours
    }
  }
  return runs.sort((a, b) => b.date.localeCompare(a.date));
}

/** Heading of the README's hand-written section, which every rewrite keeps. */
export const HISTORY_HEADING = '## Targets, run by run';

/** The existing README's section from HISTORY_HEADING to its end, or ''. */
function keptHistory(outDir: string): string {
  const readme = join(outDir, 'README.md');
  if (!existsSync(readme)) return '';
  const text = readFileSync(readme, 'utf8');
  const at = text.indexOf(`\n${HISTORY_HEADING}\n`);
  return at < 0 ? '' : text.slice(at + 1);
}

export function renderIndex(outDir: string): string {
  const lines = [
    '# Benchmark results',
    '',
    'Our kernels against TF.js\'s WebGPU backend (`@tensorflow/tfjs-backend-webgpu`), same process, same adapter, same shapes.',
    'Rerun with `npm run bench` (or `node benchmarks/dist/run.js [--quick] [--only <regex>] [--no-tfjs]` after `tsc -b benchmarks`).',
    'Each adapter has a folder: one JSON per run (every sample, machine, commit), `latest.md` (table of the last full run) and `latest.svg` (ours/TF.js per row).',
    '',
    'Reading a report: a row is one op or step at one shape; its time is the median wall-clock time of one call with the GPU wait included (several calls per sample where one is short), the GPU timestamp time beside it where the adapter has timestamps. **Ours/TF.js** is our rate over TF.js\'s rate: above 1× we are faster. The two libraries run on the same adapter in one process, row by row, each row\'s sampling split into rounds the two take in turn; the ratio is the median of the rounds\' ratios, with the lowest and highest round beside it, so ratios compare; absolute numbers compare only within an adapter folder. A report says when other processes shared the machine (on a CPU adapter they share the "GPU"). GPU machines without npm run the suite from a device pack (`node scripts/device-pack.mjs`).',
    '',
    '| Adapter | Folder | Full runs | Partial runs | Latest full run | Commit | Report |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const dirs = existsSync(outDir) ? readdirSync(outDir).filter((d) => statSync(join(outDir, d)).isDirectory()).sort() : [];
  for (const d of dirs) {
    const runs = runsIn(join(outDir, d));
    if (runs.length === 0) continue;
    const full = runs.filter((r) => !r.partial);
    const latest = full[0];
    const name = adapterName((latest ?? runs[0]).adapter) || d;
    const report = latest ? `[latest.md](${d}/latest.md) · [chart](${d}/latest.svg)` : '—';
    lines.push(`| ${name} | \`${d}/\` | ${full.length} | ${runs.length - full.length} | ${latest?.date ?? '—'} | ${latest?.git.commit?.slice(0, 12) ?? '—'} | ${report} |`);
  }
  lines.push('');
  const history = keptHistory(outDir);
  return lines.join('\n') + (history ? `\n${history}` : '');
}
