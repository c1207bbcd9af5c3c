/** Entry of `npm run bench`: see cli.ts for the flags. */
import { basename } from 'node:path';
import { parseCli, runBenchmarks } from './cli.js';
import { renderMarkdown } from './report/markdown.js';
import { rerender } from './report/write.js';

try {
  const opts = parseCli(process.argv.slice(2));
  if (opts.rerender) {
    for (const f of rerender(opts.outDir)) console.log(`wrote ${f}`);
    process.exit(0);
  }
  const { run, written } = await runBenchmarks(opts);
  console.log(`\n${renderMarkdown(run, basename(written.json))}`);
  // dawn.node keeps handles open; the results are on disk.
  process.exit(0);
} catch (e) {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
}
