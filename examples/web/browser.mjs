/**
 * Launches the Chromium the browser suite uses (test/browser/lib/chromium.mjs:
 * Debian's /usr/bin/chromium, or $CHROMIUM) through playwright-core's
 * executablePath, with the suite's flags: WebGPU on, background throttling
 * and every network feature off. Nothing is downloaded: playwright-core
 * ships no browser. `webgpu: false` leaves out the flag that switches WebGPU
 * on, so a test can see what the page does without it.
 */
import { chromium } from 'playwright-core';
import { chromiumFlags, findChromium } from '../../test/browser/lib/chromium.mjs';

/** Flags playwright sets itself (headless mode, the profile: it makes a fresh one per launch). */
const OWN = (flag) => flag === '--headless' || flag.startsWith('--user-data-dir=');

export async function launchBrowser({ webgpu = true } = {}) {
  const args = chromiumFlags('unused')
    .filter((f) => !OWN(f))
    .filter((f) => webgpu || (f !== '--enable-unsafe-webgpu' && f !== '--enable-webgpu-developer-features'));
  const extra = (process.env.CHROMIUM_FLAGS ?? '').split(/\s+/).filter(Boolean);
  return chromium.launch({ executablePath: findChromium(), args: [...args, ...extra], headless: true, timeout: 60_000 });
}
