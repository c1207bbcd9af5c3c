// Node's file system for the tokenizer's path loaders (installed by "@bamgpu/bert/node").
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TextFileAccess } from './text-files.js';

export const nodeTextFiles: TextFileAccess = {
  async read(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  join,
};
