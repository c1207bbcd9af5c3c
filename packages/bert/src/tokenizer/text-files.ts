import { TokenizerError } from './errors.js';

// Node's fs is imported lazily inside each function so this module (and the
// tokenizer) also loads in browsers, where only the in-memory constructors work.

function isMissingFileError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads a UTF-8 file; `what` names it in errors ("vocabulary file"). */
export async function readTextFile(path: string, what: string): Promise<string> {
  const text = await readOptionalTextFile(path, what);
  if (text === undefined) throw new TokenizerError(`${what} not found: ${path}`);
  return text;
}

/** Like readTextFile, but a file that does not exist gives undefined instead of an error. */
export async function readOptionalTextFile(path: string, what: string): Promise<string | undefined> {
  const fs = await import('node:fs/promises');
  try {
    return await fs.readFile(path, 'utf8');
  } catch (err) {
    if (isMissingFileError(err)) return undefined;
    throw new TokenizerError(`cannot read ${what} ${path}: ${describe(err)}`, { cause: err });
  }
}

export async function joinPath(dir: string, name: string): Promise<string> {
  const path = await import('node:path');
  return path.join(dir, name);
}
