#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { CHILD_ENV, STDERR_TTY_ENV, runWithQuietDawn } from './cli/dawn-noise.js';
import { main, needsGpu } from './cli/main.js';

const argv = process.argv.slice(2);
let run: Promise<number>;
if (needsGpu(argv) && !process.env[CHILD_ENV]) {
  // Dawn's adapter-limit warnings are printed natively; only a parent can filter them (cli/dawn-noise.ts).
  run = runWithQuietDawn(fileURLToPath(import.meta.url), argv);
} else {
  // The parent's stderr is a terminal: let the progress bar draw in place through the pipe.
  if (process.env[STDERR_TTY_ENV]) process.stderr.isTTY = true;
  run = main(argv);
}
// Exit explicitly: Dawn keeps the event loop alive while a device exists.
run.then((code) => process.exit(code));
