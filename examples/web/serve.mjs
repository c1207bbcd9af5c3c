#!/usr/bin/env node
/**
 * Builds the example page and serves it on 127.0.0.1 only:
 *
 *   node examples/web/serve.mjs [port] [--model dir]
 *
 * port: default 0, any free port (the URL is printed). --model: the model
 * folder to serve at /model/ (default examples/web/model, written by
 * export-model.mjs). Serves index.html, dist/ and the model folder, nothing
 * else; with no-store so a rebuilt bundle or re-exported model is never stale.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildPage } from './build.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.safetensors': 'application/octet-stream',
  '.png': 'image/png',
};

/** The file under `base` that `rel` names, or null if it would leave `base` (../ tricks) or does not exist. */
function fileUnder(base, rel) {
  const p = normalize(join(base, rel));
  if (p !== base && !p.startsWith(base + sep)) return null;
  return existsSync(p) && statSync(p).isFile() ? p : null;
}

/** Starts the server; resolves to { url, close() }. Builds the bundle first unless `build` is false. */
export async function startServer({ port = 0, modelDir = join(here, 'model'), build = true } = {}) {
  if (build) await buildPage();
  const model = resolve(modelDir);
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    let file = null;
    if (req.method !== 'GET' && req.method !== 'HEAD') file = null;
    else if (path === '/' || path === '/index.html') file = join(here, 'index.html');
    else if (path.startsWith('/dist/')) file = fileUnder(join(here, 'dist'), path.slice('/dist/'.length));
    else if (path.startsWith('/model/')) file = fileUnder(model, path.slice('/model/'.length));
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      return res.end(`not found: ${path}`);
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', 'content-length': statSync(file).size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    url,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' } } });
  const port = positionals.length ? Number(positionals[0]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535 || positionals.length > 1) {
    console.error('usage: node examples/web/serve.mjs [port] [--model dir]');
    process.exit(2);
  }
  const modelDir = values.model ?? join(here, 'model');
  if (!existsSync(join(modelDir, 'config.json'))) {
    console.error(`no model in ${modelDir}: write one first with\n  node examples/web/export-model.mjs --tiny          (a tiny random model)\n  node examples/web/export-model.mjs <model folder>  (one bam trained)`);
    process.exit(2);
  }
  try {
    const { url } = await startServer({ port, modelDir });
    console.log(`serving the example on ${url} (model: ${modelDir}); Ctrl-C stops it`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
