/**
 * The several-machine set-up of docs/scale-out.md, on loopback: a real
 * redis-server that speaks only TLS (certificate signed by a test CA),
 * with the documented ACL file (default user off, one `bam` user), and a
 * real `bam worker` and `bam experiment` reaching it through
 * `rediss://bam@localhost`, the password from $BAM_REDIS_PASSWORD and the
 * CA from NODE_EXTRA_CA_CERTS, as on a remote machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, killAll, queueTestsCanRun, startCli, startProcess } from './helpers/processes.js';

const PASSWORD = 'bam-tls-test-password';
/** The ACL of docs/scale-out.md: nothing for the default user, one user for bam's queue. */
const ACL = `user default off\nuser bam on >${PASSWORD} ~bull:bam-units:* &* +@all -@dangerous +info\n`;
const EXPERIMENT = [
  'experiment', '--data', 'synthetic', '--scale', '0.02', '--tasks', 'syn-sentiment', '--hidden', '16', '--layers', '1',
  '--max-seq-length', '32', '--batch-size', '8', '--epochs', '1', '--lr', '1e-3', '--seeds', '1', '--methods', 'single', '--quiet',
];

const ready = queueTestsCanRun('queue TLS test', [['redis-server', '--version'], ['openssl', 'version']]);

let dir: string;
let port: number;

/** A CA, and a certificate for localhost / 127.0.0.1 signed by it. */
function makeCertificates(d: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: d, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=bam test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'redis.key', '-out', 'redis.csr', '-subj', '/CN=localhost');
  ssl('x509', '-req', '-in', 'redis.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'redis.crt', '-days', '2', '-extfile', 'ext.cnf');
}

describe.skipIf(!ready)('the queue over TLS with an ACL user', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bam-queue-tls-'));
    await writeFile(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    makeCertificates(dir);
    await writeFile(join(dir, 'users.acl'), ACL);
    await mkdir(join(dir, 'redis'));
    port = await freePort();
    const server = startProcess('redis-server', [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1',
      '--tls-cert-file', join(dir, 'redis.crt'), '--tls-key-file', join(dir, 'redis.key'), '--tls-ca-cert-file', join(dir, 'ca.crt'), '--tls-auth-clients', 'no',
      '--aclfile', join(dir, 'users.acl'), '--appendonly', 'yes', '--dir', join(dir, 'redis'), '--save', '',
    ]);
    await server.waitFor(/Ready to accept connections/, 15_000);
  }, 60_000);

  afterAll(async () => {
    killAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** One ping with these connection settings; the server's or TLS's error message if it fails. */
  async function ping(options: ConstructorParameters<typeof IORedis>[0] & object): Promise<string> {
    const r = new IORedis({ host: 'localhost', port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null, ...options });
    // ioredis reports a refused handshake (HELLO, AUTH) as an error event, then closes the connection.
    let refused = '';
    r.on('error', (e: Error) => (refused ||= e.message));
    try {
      await r.connect();
      return await r.ping();
    } catch (e) {
      return refused || (e as Error).message;
    } finally {
      r.disconnect();
    }
  }

  test('the server takes only TLS clients that trust its CA, and only the bam user', async () => {
    const ca = await readFile(join(dir, 'ca.crt'));
    expect(await ping({ username: 'bam', password: PASSWORD, tls: { servername: 'localhost', ca } })).toBe('PONG');
    expect(await ping({ tls: { servername: 'localhost', ca } })).toMatch(/NOAUTH|WRONGPASS|NOPERM/);
    expect(await ping({ username: 'bam', password: 'wrong', tls: { servername: 'localhost', ca } })).toMatch(/WRONGPASS/);
    expect(await ping({ username: 'bam', password: PASSWORD, tls: { servername: 'localhost' } })).toMatch(/certificate/i);
  }, 30_000);

  test('a worker and the experiment reach it through rediss://bam@localhost and finish the experiment', async () => {
    const url = `rediss://bam@localhost:${port}`;
    const env = { BAM_REDIS_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt') };
    const store = join(dir, 'store');
    const worker = startCli(['worker', '--queue', url, '--store', store, '--name', 'tls-worker', '--lock-ms', '3000', '--stalled-ms', '1000'], env);
    const exp = startCli([...EXPERIMENT, '--out', join(dir, 'out'), '--queue', url, '--store', store, '--poll-ms', '100'], env);
    expect(await exp.exited, exp.output()).toBe(0);
    expect(exp.output()).toMatch(/running on tls-worker/);
    expect(worker.output()).toMatch(/s0-single-syn-sentiment-[0-9a-f]{16}: training, 10 steps/);
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')) as { runs: { method: string; seed: number }[] };
    expect(results.runs.map((r) => [r.method, r.seed])).toEqual([['single', 0]]);
    expect(exp.output() + worker.output()).not.toContain(PASSWORD);
    worker.kill('SIGTERM');
    await worker.exited;
  }, 120_000);
});
