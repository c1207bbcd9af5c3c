// Checkpoints through the folder abstraction, without Node's file system:
// in memory, over HTTP (as a browser would), and the main entry's code
// bundles for browsers. This file deliberately does not import src/node.ts.
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { initNode } from '@bamgpu/core/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CheckpointError } from '../src/checkpoint/errors.js';
import { fetchFolder, memoryFolder } from '../src/checkpoint/folder-io.js';
import { BertForSequenceClassification } from '../src/model/sequence-classification.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/reference/tiny-b-regression/', import.meta.url));
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

let server: Server;
let baseUrl: string;
const requested: string[] = [];
beforeAll(async () => {
  await initNode();
  // Serves the fixture folder; anything else is a 404, like a static file host.
  server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').replace(/^\/models\/tiny\//, ''));
    requested.push(`${req.method} ${name}`);
    readFile(join(FIXTURE, name)).then(
      (data) => res.end(req.method === 'HEAD' ? undefined : data),
      () => {
        res.statusCode = 404;
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/tiny`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function fixtureFiles(): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const name of await readdir(FIXTURE)) files.set(name, new Uint8Array(await readFile(join(FIXTURE, name))));
  return files;
}

test('a string path without "@bamgpu/bert/node" says what to import', async () => {
  const err = await BertForSequenceClassification.fromPretrained('/models/tiny', { warn: false }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as Error).message).toBe(
    'cannot open "/models/tiny": reading and writing folders by path needs Node\'s file system; import from "@bamgpu/bert/node", or pass a folder object (fetchFolder(url), memoryFolder(files))',
  );
});

describe('memoryFolder', () => {
  test('load → save round trip gives the original bytes', async () => {
    const files = await fixtureFiles();
    const model = await BertForSequenceClassification.fromPretrained(memoryFolder(files, 'mem:tiny'), { warn: false });
    expect(model.isRegression).toBe(true);
    const out = memoryFolder();
    await model.save(out);
    expect([...out.files.keys()].sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    expect(Buffer.compare(out.files.get('model.safetensors')!, files.get('model.safetensors')!)).toBe(0);
    expect(Buffer.compare(out.files.get('vocab.txt')!, files.get('vocab.txt')!)).toBe(0);
    model.dispose();
  });

  test('errors name the in-memory file', async () => {
    const files = await fixtureFiles();
    files.delete('model.safetensors');
    await expect(BertForSequenceClassification.fromPretrained(memoryFolder(files, 'mem:tiny'), { warn: false })).rejects.toThrow(
      'no weights in mem:tiny: neither model.safetensors nor model.safetensors.index.json exists',
    );
  });
});

describe('fetchFolder', () => {
  test('loads a checkpoint over HTTP; absent files are 404s, not errors', async () => {
    requested.length = 0;
    const model = await BertForSequenceClassification.fromPretrained(fetchFolder(baseUrl), { warn: false });
    const local = await BertForSequenceClassification.fromPretrained(memoryFolder(await fixtureFiles()), { warn: false });
    for (const [[name, a], [, b]] of [...model.namedParameters()].map((e, i) => [e, [...local.namedParameters()][i]] as const)) {
      expect([...((await a.data()) as Float32Array)], name).toEqual([...((await b.data()) as Float32Array)]);
    }
    expect(requested).toContain('GET config.json');
    expect(requested).toContain('GET tokenizer_config.json'); // tried, 404, skipped
    expect(model.assets.has('vocab.txt')).toBe(true);
    model.dispose();
    local.dispose();
  });

  test('a missing config.json is reported with its URL', async () => {
    await expect(BertForSequenceClassification.fromPretrained(fetchFolder(`${baseUrl}/nothing-here`), { warn: false })).rejects.toThrow(
      `${baseUrl}/nothing-here/config.json not found`,
    );
  });
});

test('the model and checkpoint code bundles for browsers (no Node built-ins)', async () => {
  // Everything the main entry will export from this task's files; node.ts and node-folder.ts are excluded on purpose.
  const entry = [
    './config.js',
    './model/bert-model.js',
    './model/sequence-classification.js',
    './model/multi-task.js',
    './model/inputs.js',
    './checkpoint/folder-io.js',
    './checkpoint/folder.js',
    './checkpoint/pretrained.js',
  ].map((m) => `export * from '${m}';`).join('\n');
  const builtins: string[] = [];
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: SRC, loader: 'ts' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    conditions: ['source'],
    logLevel: 'silent',
    plugins: [{
      name: 'no-node',
      setup(build) {
        build.onResolve({ filter: /^node:|^(fs|path|os|crypto)(\/|$)/ }, (args) => {
          builtins.push(`${args.importer} → ${args.path}`);
          return { path: args.path, external: true };
        });
      },
    }],
  });
  expect(builtins).toEqual([]);
  expect(result.outputFiles[0].text).toContain('BertForSequenceClassification');
});
