/**
 * The `--queue` URL, checked before any GPU work. A Redis that other machines
 * can reach must not be an open port: any host but this machine's loopback
 * needs TLS (`rediss://`) and a password (with an ACL user, or Redis's
 * `requirepass`). Loopback may use plain `redis://`, with or without one.
 */
import { SettingsError } from '../settings/rules.js';

/** How to reach Redis: ioredis connection options (the ones BullMQ passes on). */
export interface QueueConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  /** Set for rediss:// (TLS, the server's certificate checked against the host name). */
  tls?: { servername: string };
}

const DEFAULT_PORT = 6379;

/** localhost, 127.0.0.0/8 and ::1: addresses no other machine can connect to. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Where a password can come from instead of the URL, which other users of the machine can read in `ps`. */
export const PASSWORD_ENV = 'BAM_REDIS_PASSWORD';

export function parseQueueUrl(text: string, flag = '--queue', env: Readonly<Record<string, string | undefined>> = process.env): QueueConnection {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new SettingsError(`${flag} must be a URL like redis://127.0.0.1:6379 or rediss://user:password@host:6380, got ${JSON.stringify(text)}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new SettingsError(`${flag} must start with redis:// or rediss://, got ${JSON.stringify(u.protocol)}`);
  if (!u.hostname) throw new SettingsError(`${flag} names no host: ${JSON.stringify(text)}`);
  const port = u.port ? Number(u.port) : DEFAULT_PORT;
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : undefined;
  if (db !== undefined && !Number.isSafeInteger(db)) throw new SettingsError(`${flag}: the path must be a database number (e.g. /0), got ${JSON.stringify(u.pathname)}`);
  const tls = u.protocol === 'rediss:';
  const password = u.password ? decodeURIComponent(u.password) : env[PASSWORD_ENV] || undefined;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!isLoopback(host)) {
    // Shown without the password: the message may end up in logs.
    const shown = `${u.protocol}//${host}:${port}`;
    if (!tls) throw new SettingsError(`${flag} ${shown}: a Redis on another machine must use TLS (rediss://) and a password; plain redis:// is allowed only on 127.0.0.1 (see docs/scale-out.md)`);
    if (!password) throw new SettingsError(`${flag} ${shown}: a Redis on another machine needs a password (rediss://user:password@host:port, or the password in $${PASSWORD_ENV}); see docs/scale-out.md`);
  }
  return {
    host,
    port,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(password ? { password } : {}),
    ...(db !== undefined ? { db } : {}),
    ...(tls ? { tls: { servername: host } } : {}),
  };
}
