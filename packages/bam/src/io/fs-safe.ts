/**
 * File-system calls whose failures name the path. Node's own messages often
 * do not (`ENOSPC: no space left on device, write`), and Node 20's recursive
 * mkdir loops forever on a folder the kernel refuses with ENOENT although its
 * parent exists (`/proc/x`), so output folders are made here one level at a time.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

function code(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? (e as { code?: string }).code : undefined;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Whether anything (file, folder, link target) exists at `path`; any stat failure counts as no. */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** An I/O failure that names the file or folder it happened to. */
export class PathError extends Error {
  override name = 'PathError';
  constructor(readonly path: string, readonly code: string | undefined, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Makes `dir` and any missing parents; an error names the folder that could not be made. */
export async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (e) {
    const c = code(e);
    if (c === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      throw new PathError(dir, 'ENOTDIR', `cannot use ${dir} as an output folder: it exists and is not a folder`);
    }
    if (c !== 'ENOENT') throw new PathError(dir, c, `cannot create folder ${dir}: ${reason(e)}`, { cause: e });
  }
  const parent = dirname(dir);
  if (parent === dir) throw new PathError(dir, 'ENOENT', `cannot create folder ${dir}: no such file system root`);
  await makeDir(parent);
  try {
    await mkdir(dir);
  } catch (e) {
    // The parent exists now; ENOENT again means the kernel refuses this name (e.g. under /proc).
    if (code(e) === 'EEXIST' && (await stat(dir)).isDirectory()) return;
    throw new PathError(dir, code(e), `cannot create folder ${dir}: ${reason(e)}`, { cause: e });
  }
}

/** writeFile whose error names the path (disk full, permissions, …). */
export async function writeFileNamed(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFile(path, data);
  } catch (e) {
    throw new PathError(path, code(e), `cannot write ${path}: ${reason(e)}`, { cause: e });
  }
}
