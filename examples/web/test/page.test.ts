// The example page in real headless Chromium (Debian's, through
// playwright-core; WebGPU there is SwiftShader on a machine without a GPU),
// against a tiny random model written by export-model.mjs --tiny:
// - on the same checkpoint and text, the page's logits equal those Node
//   computes on Dawn within 1e-4, and it tokenizes exactly as Node does;
// - a few BAM fine-tuning steps in the page lower the loss against the gold
//   labels, and the loss curve draws one point per step;
// - without WebGPU (no navigator.gpu, or no adapter) the page says so.
// The model is tiny (hidden 32, 2 layers) and training pads every batch to
// one shape, so each GPU kernel compiles once: the file runs in ~30 s on 2 cores.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noGrad, scope, tensor } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { BertMultiTask, BertTokenizer, parseVocabText } from '@bamgpu/bert/node';
import { generateSyntheticGlue } from '@bamgpu/bam';
import { launchBrowser } from '../browser.mjs';
import { startServer } from '../serve.mjs';
// The page's window.bamgpuExample typing (a type-only import: nothing of the page runs in Node).
import type {} from '../src/main.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
/** export-model.mjs runs on the packages' dist (plain Node cannot run their TypeScript sources). */
const built = ['core', 'bert', 'bam'].every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.js')));
const TOLERANCE = 1e-4;

let modelDir = '';
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  if (!built) throw new Error('packages/*/dist is missing: run `npx tsc -b` (or node scripts/bootstrap.mjs) first; export-model.mjs runs on it');
  modelDir = mkdtempSync(join(tmpdir(), 'bamgpu-web-model-'));
  execFileSync(process.execPath, [join(here, '..', 'export-model.mjs'), '--tiny', '--seed', '3', '--out', modelDir], {
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = await startServer({ modelDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (modelDir) rmSync(modelDir, { recursive: true, force: true });
});

/** A page with the example loaded and its first prediction shown; page errors fail the test. */
async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('#status[data-kind="ready"], #status[data-kind="error"]', { timeout: 60_000 });
  const status = await page.locator('#status').textContent();
  expect(await page.locator('#status').getAttribute('data-kind'), `status: ${status}`).toBe('ready');
  await page.waitForSelector('#predictions[data-state="done"]', { timeout: 60_000 });
  expect(errors).toEqual([]);
  return page;
}

/** Types `text`, clicks Predict, and returns the page's full-precision predictions. */
async function predictInPage(page: Page, text: string) {
  await page.evaluate(() => (window.bamgpuExample.lastPrediction = null));
  await page.fill('#text', text);
  await page.click('#predict');
  await page.waitForFunction(() => window.bamgpuExample.lastPrediction !== null || window.bamgpuExample.error !== null, null, { timeout: 60_000 });
  const state = await page.evaluate(() => window.bamgpuExample);
  expect(state.error).toBeNull();
  return state.lastPrediction!;
}

describe('examples/web in headless Chromium', () => {
  test('the page names the adapter, and its logits equal Node’s (Dawn) within 1e-4 on the same checkpoint and text', async () => {
    const page = await openPage();
    expect(await page.locator('#adapter').textContent()).toMatch(/^WebGPU adapter: \S/);

    await initNode();
    const model = await BertMultiTask.fromPretrained(modelDir, { warn: false });
    model.eval();
    const tokenizer = new BertTokenizer(parseVocabText(await readFile(join(modelDir, 'vocab.txt'), 'utf8')));
    const isPair = new Map(generateSyntheticGlue({ seed: 0, scale: 1e-3 }).tasks.map((t) => [t.name, t.isPair]));
    try {
      // One sentence (pair tasks then read an empty second one), then a pair split by "|||".
      const inputs = [
        { text: 'the kind doctor helps a little cat .', a: 'the kind doctor helps a little cat .', b: undefined },
        { text: 'every brave farmer watches the dogs . ||| the dogs are watched by every farmer .', a: 'every brave farmer watches the dogs .', b: 'the dogs are watched by every farmer .' },
      ];
      let worstAll = 0;
      const logitsByText: number[][][] = [];
      for (const input of inputs) {
        const fromPage = await predictInPage(page, input.text);
        logitsByText.push(fromPage.map((p) => p.logits));
        expect(fromPage.map((p) => p.task)).toEqual(model.tasks.map((t) => t.name));
        for (const p of fromPage) {
          // Node's side, written out here rather than through the page's code: [CLS] a [SEP] (b [SEP]).
          const pair = isPair.get(p.task)!;
          const enc = tokenizer.encode(input.a, pair ? input.b ?? '' : undefined);
          expect(p.inputIds, `${p.task}: token ids`).toEqual(enc.inputIds);
          const logits = scope(() =>
            noGrad(() => {
              const ids = tensor(Int32Array.from(enc.inputIds), [1, enc.inputIds.length]);
              const types = tensor(Int32Array.from(enc.tokenTypeIds), [1, enc.tokenTypeIds.length]);
              return model.forward({ inputIds: ids, tokenTypeIds: types }, [p.task]).logits.get(p.task)!;
            }),
          );
          const node = Array.from(await logits.data());
          logits.dispose();
          expect(p.logits.length).toBe(node.length);
          const worst = Math.max(...node.map((v, i) => Math.abs(v - p.logits[i])));
          expect(worst, `${p.task} on "${input.text}": page ${p.logits.join(', ')} vs Node ${node.join(', ')}`).toBeLessThanOrEqual(TOLERANCE);
          worstAll = Math.max(worstAll, worst);
          // Not all-zero or constant outputs compared with each other: a real forward pass.
          expect(node.some((v) => v !== 0)).toBe(true);
        }
        // The table shows every task: a label with probabilities summing to 1, or the regression score.
        for (const p of fromPage) {
          const row = page.locator(`#predictions tr[data-task="${p.task}"]`);
          const shown = await row.locator('td').allTextContents();
          if (p.probabilities) {
            expect(p.probabilities.reduce((s, q) => s + q, 0)).toBeCloseTo(1, 6);
            expect(shown[1]).toContain(p.label!);
            expect(shown[2]).toMatch(/%/);
          } else {
            expect(shown[2]).toMatch(/^score -?\d+\.\d{3} on \[0, 5\]$/);
          }
        }
      }
      // The input reaches the outputs: the two texts give different logits.
      expect(logitsByText[0]).not.toEqual(logitsByText[1]);
      console.log(`page vs Node: largest logit difference ${worstAll.toExponential(2)} (tolerance ${TOLERANCE}); logits e.g. ${logitsByText[1][2].map((v) => v.toFixed(4)).join(', ')}`);
    } finally {
      model.dispose();
      await page.close();
    }
  });

  test('BAM fine-tuning steps in the page lower the loss, with a live loss curve', async () => {
    const page = await openPage();
    try {
      const before = await page.evaluate(() => window.bamgpuExample.lastPrediction);
      const steps = 6;
      await page.fill('#steps', String(steps));
      await page.fill('#examples', '8');
      await page.fill('#lr', '0.003');
      await page.click('#train');
      await page.waitForSelector('#train-status[data-state="done"], #train-status[data-state="error"]', { timeout: 90_000 });
      expect(await page.locator('#train-status').getAttribute('data-state'), (await page.locator('#train-status').textContent()) ?? '').toBe('done');
      // The table is redrawn from the fine-tuned model once training ends.
      await page.waitForSelector('#predictions[data-state="done"]');
      const state = await page.evaluate(() => window.bamgpuExample);
      const r = state.lastTraining!;
      expect(r.steps.map((s) => s.step)).toEqual([...Array(steps).keys()]);
      for (const s of r.steps) {
        expect(Number.isFinite(s.bamLoss) && Number.isFinite(s.goldLoss), JSON.stringify(s)).toBe(true);
      }
      // λ anneals from the teacher (0) toward the gold labels.
      expect(r.steps[0].lambda).toBe(0);
      expect(r.steps[steps - 1].lambda).toBeCloseTo((steps - 1) / steps, 12);
      // The same examples in eval mode (no dropout noise), before the first step and after the last:
      // the loss against the gold labels falls by at least 1%.
      expect(r.evalGoldLossAfter, `eval gold loss ${r.evalGoldLossBefore} → ${r.evalGoldLossAfter}`).toBeLessThan(0.99 * r.evalGoldLossBefore);
      expect(r.tasks).toHaveLength(5);
      expect(r.examples).toBe(40);
      // The curve: one point per step in each of its two series.
      expect(await page.locator('#chart').getAttribute('data-points')).toBe(String(steps));
      for (const series of await page.locator('#chart polyline').all()) {
        expect((await series.getAttribute('points'))!.trim().split(/\s+/)).toHaveLength(steps);
      }
      expect(await page.locator('#chart polyline').count()).toBe(2);
      // The weights changed, so the predictions shown did too.
      const after = state.lastPrediction!;
      expect(after.map((p) => p.logits)).not.toEqual(before!.map((p) => p.logits));
    } finally {
      await page.close();
    }
  });

  test('without navigator.gpu the page says WebGPU is missing', async () => {
    const page = await browser.newPage();
    try {
      // As in a browser without WebGPU: the property is absent before any script runs.
      await page.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
      });
      await page.goto(server.url);
      await page.waitForSelector('#status[data-kind="error"]', { timeout: 30_000 });
      expect(await page.locator('#status').getAttribute('data-reason')).toBe('no-webgpu');
      expect(await page.locator('#status').textContent()).toContain('WebGPU is not available in this browser');
      expect(await page.locator('#app').isHidden()).toBe(true);
    } finally {
      await page.close();
    }
  });

  test('with WebGPU switched off (Chromium without --enable-unsafe-webgpu) the page says it found no adapter', async () => {
    // Chromium on Linux keeps navigator.gpu but returns no adapter without the flag: the page's second check.
    const plain = await launchBrowser({ webgpu: false });
    try {
      const page = await plain.newPage();
      await page.goto(server.url);
      await page.waitForSelector('#status[data-kind="error"]', { timeout: 30_000 });
      expect(await page.locator('#status').getAttribute('data-reason')).toBe('no-adapter');
      expect(await page.locator('#status').textContent()).toContain('found no GPU adapter');
      expect(await page.locator('#app').isHidden()).toBe(true);
    } finally {
      await plain.close();
    }
  });
});
