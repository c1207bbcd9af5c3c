/**
 * A checkpoint folder on the local file system. Node-only: imported by
 * "@bamgpu/bert/node", never by the main entry.
 */
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from './errors.js';
import { checkFileName, type Folder } from './folder-io.js';

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function isDirectory(dir: string): Promise<boolean | undefined> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw new CheckpointError(`cannot read folder ${dir}: ${message(err)}`, { cause: err });
  }
}

/** The directory `dir` as a Folder: reads files, and writes them atomically (temp file, fsync, rename). */
export function nodeFolder(dir: string): Folder {
  const pathOf = (name: string) => join(dir, name);
  // A missing file in a missing folder is reported as the folder missing.
  const absent = async (): Promise<undefined> => {
    const kind = await isDirectory(dir);
    if (kind === undefined) throw new CheckpointError(`checkpoint folder not found: ${dir}`);
    if (!kind) throw new CheckpointError(`checkpoint path is not a folder: ${dir}`);
    return undefined;
  };
  return {
    location: dir,
    pathOf,
    async read(name) {
      try {
        const buf = await readFile(pathOf(name));
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (err) {
        if (errorCode(err) === 'ENOENT') return absent();
        throw new CheckpointError(`cannot read ${pathOf(name)}: ${message(err)}`, { cause: err });
      }
    },
    async has(name) {
      try {
        await stat(pathOf(name));
        return true;
      } catch {
        return false;
      }
    },
    async write(name, data) {
      checkFileName(name, 'file name');
      const path = pathOf(name);
      const tmp = `${path}.${globalThis.crypto.randomUUID()}.tmp`;
      try {
        await mkdir(dir, { recursive: true });
        const handle = await open(tmp, 'w');
        try {
          await handle.writeFile(data);
          await handle.sync(); // on disk before the rename makes it visible
        } finally {
          await handle.close();
        }
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true }).catch(() => undefined);
        throw new CheckpointError(`cannot write ${path}: ${message(err)}`, { cause: err });
      }
    },
  };
}
