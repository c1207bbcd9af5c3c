import { TokenizerError } from './errors.js';

/**
 * File access for the tokenizer's path-taking loaders. The main entry has no
 * file system (it must bundle for browsers); "@bamgpu/bert/node" installs
 * Node's. In browsers, build tokenizers from text (`fromVocab(text)`) or lists.
 */
export interface TextFileAccess {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  join(dir: string, name: string): string;
}

let access: TextFileAccess | null = null;

export function setTextFileAccess(a: TextFileAccess): void {
  access = a;
}

function files(path: string): TextFileAccess {
  if (!access) {
    throw new TokenizerError(`cannot read "${path}": reading files by path needs Node's file system; import from "@bamgpu/bert/node", or pass the vocabulary text itself`);
  }
  return access;
}

/** Reads a UTF-8 file; `what` names it in errors ("vocabulary file"). */
export async function readTextFile(path: string, what: string): Promise<string> {
  const text = await readOptionalTextFile(path, what);
  if (text === undefined) throw new TokenizerError(`${what} not found: ${path}`);
  return text;
}

/** Like readTextFile, but a file that does not exist gives undefined instead of an error. */
export async function readOptionalTextFile(path: string, what: string): Promise<string | undefined> {
  try {
    return await files(path).read(path);
  } catch (err) {
    if (err instanceof TokenizerError) throw err;
    throw new TokenizerError(`cannot read ${what} ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export async function joinPath(dir: string, name: string): Promise<string> {
  return files(dir).join(dir, name);
}
