/**
 * Writes a run: bench-results/<adapter-slug>/<stamp>.json always; for full
 * runs also latest.md and latest.svg; and the top-level README index.
 * Partial runs (--quick / --only) get a "-partial" file so they never
 * replace the last full run's report.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMarkdown } from './markdown.js';
import type { RunRecord } from './meta.js';
import { renderIndex } from './readme.js';
import { renderSvg } from './svg.js';

export interface Written {
  json: string;
  markdown: string | null;
  svg: string | null;
  index: string;
}

export function writeRun(outDir: string, run: RunRecord): Written {
  const dir = join(outDir, run.adapter.slug);
  mkdirSync(dir, { recursive: true });
  const stamp = run.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const jsonName = `${stamp}${run.partial ? '-partial' : ''}.json`;
  const json = join(dir, jsonName);
  writeFileSync(json, JSON.stringify(run, null, 1) + '\n');
  let markdown: string | null = null;
  let svg: string | null = null;
  if (!run.partial) {
    markdown = join(dir, 'latest.md');
    writeFileSync(markdown, renderMarkdown(run, jsonName));
    svg = join(dir, 'latest.svg');
    writeFileSync(svg, renderSvg(run));
  }
  const index = join(outDir, 'README.md');
  writeFileSync(index, renderIndex(outDir));
  return { json, markdown, svg, index };
}

/** Re-renders every adapter folder's latest.md/latest.svg from its newest full run, and the index; returns the files written. */
export function rerender(outDir: string): string[] {
  const written: string[] = [];
  const dirs = existsSync(outDir) ? readdirSync(outDir).filter((d) => statSync(join(outDir, d)).isDirectory()) : [];
  for (const d of dirs) {
    const full = readdirSync(join(outDir, d))
      .filter((f) => f.endsWith('.json') && !f.endsWith('-partial.json'))
      .map((f) => ({ f, run: JSON.parse(readFileSync(join(outDir, d, f), 'utf8')) as RunRecord }))
      .filter((x) => x.run.schema === 1 && !x.run.partial)
      .sort((a, b) => b.run.date.localeCompare(a.run.date));
    if (!full[0]) continue;
    writeFileSync(join(outDir, d, 'latest.md'), renderMarkdown(full[0].run, full[0].f));
    writeFileSync(join(outDir, d, 'latest.svg'), renderSvg(full[0].run));
    written.push(join(outDir, d, 'latest.md'), join(outDir, d, 'latest.svg'));
  }
  writeFileSync(join(outDir, 'README.md'), renderIndex(outDir));
  return [...written, join(outDir, 'README.md')];
}
