import { CheckpointError } from './errors.js';

/**
 * A folder of named files to read a checkpoint from: a local directory
 * (`nodeFolder` in "@bamgpu/bert/node"), a URL prefix (`fetchFolder`), or
 * memory (`memoryFolder`). Keeping file access behind this interface keeps
 * the package's main entry free of Node built-ins, so it bundles for browsers.
 */
export interface FolderReader {
  /** The folder, for messages. */
  readonly location: string;
  /** How error messages name the file `name` of this folder (a path or URL). */
  pathOf(name: string): string;
  /** The file's bytes, or undefined when the folder has no such file. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** Whether the file exists, without reading it. */
  has(name: string): Promise<boolean>;
}

/** A folder to save a checkpoint into. */
export interface FolderWriter {
  readonly location: string;
  pathOf(name: string): string;
  /** Writes a whole file so that no reader ever sees it half-written (creating the folder if needed). */
  write(name: string, data: Uint8Array | string): Promise<void>;
}

export type Folder = FolderReader & FolderWriter;

let pathOpener: ((dir: string) => Folder) | null = null;

/** Installs how string paths are opened; "@bamgpu/bert/node" installs Node's file system. */
export function setPathFolderOpener(opener: (dir: string) => Folder): void {
  pathOpener = opener;
}

function openPath(dir: string): Folder {
  if (!pathOpener) {
    throw new CheckpointError(
      `cannot open "${dir}": reading and writing folders by path needs Node's file system; import from "@bamgpu/bert/node", or pass a folder object (fetchFolder(url), memoryFolder(files))`,
    );
  }
  return pathOpener(dir);
}

export function openReader(dir: string | FolderReader): FolderReader {
  return typeof dir === 'string' ? openPath(dir) : dir;
}

export function openWriter(dir: string | FolderWriter): FolderWriter {
  return typeof dir === 'string' ? openPath(dir) : dir;
}

/** Checks that a file name names a file directly inside the folder (shard names come from files). */
export function checkFileName(name: string, what: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
    throw new CheckpointError(`${what} must be a file name in the folder, got ${JSON.stringify(name)}`);
  }
}

/** UTF-8 text of a file, or undefined when it does not exist. */
export async function readText(folder: FolderReader, name: string): Promise<string | undefined> {
  const bytes = await folder.read(name);
  if (bytes === undefined) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CheckpointError(`${folder.pathOf(name)} is not valid UTF-8`);
  }
}

/** A folder held in memory (tests, or checkpoints fetched by other means). `files` is live. */
export function memoryFolder(files = new Map<string, Uint8Array>(), location = 'memory'): Folder & { files: Map<string, Uint8Array> } {
  return {
    files,
    location,
    pathOf: (name) => `${location}/${name}`,
    read: async (name) => files.get(name),
    has: async (name) => files.has(name),
    write: async (name, data) => {
      checkFileName(name, 'file name');
      files.set(name, typeof data === 'string' ? new TextEncoder().encode(data) : data.slice());
    },
  };
}

/**
 * A read-only folder on a web server: file `name` is fetched from
 * `baseUrl` + name. A 404 means the file does not exist.
 */
export function fetchFolder(baseUrl: string): FolderReader {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const urlOf = (name: string) => new URL(name, base).toString();
  const request = async (name: string, method: 'GET' | 'HEAD'): Promise<Response | undefined> => {
    let res: Response;
    try {
      res = await fetch(urlOf(name), { method });
    } catch (err) {
      throw new CheckpointError(`cannot fetch ${urlOf(name)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (res.status === 404) return undefined;
    if (!res.ok) throw new CheckpointError(`cannot fetch ${urlOf(name)}: HTTP ${res.status} ${res.statusText}`);
    return res;
  };
  return {
    location: base,
    pathOf: urlOf,
    read: async (name) => {
      const res = await request(name, 'GET');
      return res ? new Uint8Array(await res.arrayBuffer()) : undefined;
    },
    has: async (name) => (await request(name, 'HEAD')) !== undefined,
  };
}
