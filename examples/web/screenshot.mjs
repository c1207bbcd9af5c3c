#!/usr/bin/env node
/**
 * Takes examples/web/screenshot.png for the docs: the page in headless
 * Chromium (browser.mjs) after a prediction and 20 fine-tuning steps.
 *
 *   node examples/web/screenshot.mjs [--model dir] [--out file]
 *
 * Without --model it exports the tiny random model (export-model.mjs --tiny)
 * to a temporary folder, so the picture shows the page working, not a
 * trained model's accuracy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { startServer } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { model: { type: 'string' }, out: { type: 'string', default: join(here, 'screenshot.png') } } });

let temp = null;
let modelDir = values.model && resolve(values.model);
if (!modelDir) {
  temp = mkdtempSync(join(tmpdir(), 'bamgpu-web-shot-'));
  execFileSync(process.execPath, [join(here, 'export-model.mjs'), '--tiny', '--out', temp], { stdio: ['ignore', 'ignore', 'inherit'] });
  modelDir = temp;
}
const server = await startServer({ modelDir });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 900 } });
  await page.goto(server.url);
  await page.waitForSelector('#predictions[data-state="done"]', { timeout: 120_000 });
  await page.fill('#steps', '20');
  await page.click('#train');
  await page.waitForSelector('#train-status[data-state="done"], #train-status[data-state="error"]', { timeout: 300_000 });
  await page.waitForSelector('#predictions[data-state="done"]');
  await page.screenshot({ path: resolve(values.out), fullPage: true });
  console.log(`wrote ${values.out}: ${await page.locator('#train-status').textContent()}`);
} finally {
  await browser.close();
  await server.close();
  if (temp) rmSync(temp, { recursive: true, force: true });
}
