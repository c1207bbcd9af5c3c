/**
 * Writes a run: bench-results/<adapter-slug>/<stamp>.json always; for full
 * runs also latest.md and latest.svg; and the top-level README index.
 * Partial runs (--quick / --only) get a "-partial" file so they never
 * replace the last full run's report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
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
