/**
 * The --queue URL: loopback may be plain redis://; anything else needs TLS
 * and a password, and the command says so, naming --queue, before any GPU
 * work or data loading.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { isLoopback, parseQueueUrl } from '../src/queue/url.js';
import { CLI } from './helpers/processes.js';

test('loopback hosts may use plain redis://, with or without a password', () => {
  expect(parseQueueUrl('redis://127.0.0.1:6390')).toEqual({ host: '127.0.0.1', port: 6390 });
  expect(parseQueueUrl('redis://:s%40cret@localhost/2', '--queue', {})).toEqual({ host: 'localhost', port: 6379, password: 's@cret', db: 2 });
  expect(parseQueueUrl('redis://[::1]:7000', '--queue', {})).toEqual({ host: '::1', port: 7000 });
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]']) expect(isLoopback(h)).toBe(true);
  for (const h of ['10.0.0.5', '0.0.0.0', 'redis.example.org', '::']) expect(isLoopback(h)).toBe(false);
});

test('another machine needs rediss:// and a password (from the URL or $BAM_REDIS_PASSWORD); TLS checks the host name', () => {
  expect(() => parseQueueUrl('redis://:pw@10.0.0.5:6379', '--queue', {})).toThrow(/^--queue redis:\/\/10\.0\.0\.5:6379: .*must use TLS \(rediss:\/\/\)/);
  expect(() => parseQueueUrl('rediss://10.0.0.5:6380', '--queue', {})).toThrow(/^--queue rediss:\/\/10\.0\.0\.5:6380: .*needs a password/);
  // The password never appears in the message.
  expect(() => parseQueueUrl('redis://bam:topsecret@0.0.0.0:6379', '--queue', {})).toThrow(/^(?!.*topsecret)/);
  expect(parseQueueUrl('rediss://bam:pw@redis.lab:6380', '--queue', {})).toEqual({ host: 'redis.lab', port: 6380, username: 'bam', password: 'pw', tls: { servername: 'redis.lab' } });
  expect(parseQueueUrl('rediss://bam@redis.lab', '--queue', { BAM_REDIS_PASSWORD: 'envpw' })).toEqual({ host: 'redis.lab', port: 6379, username: 'bam', password: 'envpw', tls: { servername: 'redis.lab' } });
});

test('malformed URLs are refused with the flag named', () => {
  expect(() => parseQueueUrl('127.0.0.1:6379')).toThrow(/^--queue must be a URL like redis:\/\/127.0.0.1:6379/);
  expect(() => parseQueueUrl('not a url')).toThrow(/^--queue must be a URL/);
  expect(() => parseQueueUrl('http://127.0.0.1:6379')).toThrow(/^--queue must start with redis:\/\//);
  expect(() => parseQueueUrl('redis://127.0.0.1/x')).toThrow(/^--queue: the path must be a database number/);
});

test.skipIf(!existsSync(CLI))('bam experiment and bam worker refuse an open remote Redis at once: exit 2, no GPU started', () => {
  for (const args of [['experiment', '--queue', 'redis://192.0.2.7:6379', '--seeds', '1'], ['worker', '--queue', 'redis://192.0.2.7:6379', '--store', '/tmp/none']]) {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, BAM_REDIS_PASSWORD: '' } });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^--queue redis:\/\/192\.0\.2\.7:6379: a Redis on another machine must use TLS/);
    expect(r.stdout).not.toMatch(/adapter:/);
  }
});
