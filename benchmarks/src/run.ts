/** Entry of `npm run bench`: see cli.ts for the flags. */
import { basename } from 'node:path';
import { parseCli, runBenchmarks } from './cli.js';
import { renderMarkdown } from './report/markdown.js';

try {
  const { run, written } = await runBenchmarks(parseCli(process.argv.slice(2)));
  console.log(`\n${renderMarkdown(run, basename(written.json))}`);
  // dawn.node keeps handles open; the results are on disk.
  process.exit(0);
} catch (e) {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
}
