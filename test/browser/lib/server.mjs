/**
 * A tiny HTTP server on 127.0.0.1 (random port) for one browser run: it
 * serves the page and the bundle, and receives the page's events, which it
 * hands to `onEvent` in arrival order. The page awaits each POST before
 * sending the next, so order on the wire is the order tests ran in.
 */
import http from 'node:http';

const MAX_BODY = 8 * 1024 * 1024;

/** Resolves to { url, close() } once listening. */
export function serve({ html, js, onEvent }) {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html; charset=utf-8', html);
    if (req.method === 'GET' && path === '/bundle.js') return send(res, 200, 'text/javascript; charset=utf-8', js);
    if (req.method === 'POST' && path === '/event') return receive(req, res, onEvent);
    send(res, 404, 'text/plain', `not found: ${req.method} ${path}`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

function send(res, status, type, body) {
  // no-store: a rerun must never see a cached bundle from the last one.
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function receive(req, res, onEvent) {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size <= MAX_BODY) chunks.push(c);
  });
  req.on('end', () => {
    let event;
    try {
      if (size > MAX_BODY) throw new Error(`event body over ${MAX_BODY} bytes`);
      event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      event = { type: 'fatal', message: `the page sent an unreadable event: ${e instanceof Error ? e.message : e}` };
    }
    send(res, 204, 'text/plain', '');
    onEvent(event);
  });
}
