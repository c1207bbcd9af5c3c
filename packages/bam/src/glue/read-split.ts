import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeUtf8Strict } from './decode-utf8.js';
import { parseGlueSplit, type GlueSplitData } from './parse-split.js';
import type { GlueTaskSpec } from './task-spec.js';
import { getGlueSplit, resolveGlueTask } from './tasks.js';

/** Path of a split's file under a glue_data root, in the official download layout. */
export function glueSplitPath(glueDir: string, task: GlueTaskSpec | string, split: string): string {
  return join(glueDir, ...getGlueSplit(task, split).file.split('/'));
}

/**
 * Reads one split of a task from a glue_data folder (Node only; the parsing
 * itself is `parseGlueSplit`). Errors name the file path and line.
 */
export async function readGlueSplit(glueDir: string, task: GlueTaskSpec | string, split: string): Promise<GlueSplitData> {
  const spec = resolveGlueTask(task);
  const layout = getGlueSplit(spec, split);
  const path = glueSplitPath(glueDir, spec, layout.name);
  let text: string;
  try {
    text = decodeUtf8Strict(new Uint8Array(await readFile(path)), path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `GLUE file not found: ${path} (${spec.name} ${layout.name} is expected at <glue_data>/${layout.file}, ` +
          'the layout the official GLUE download script writes)',
      );
    }
    throw err;
  }
  return parseGlueSplit(text, spec, layout, path);
}
