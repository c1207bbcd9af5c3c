import { readFile } from 'node:fs/promises';
import type { TextDocument } from './documents.js';

/**
 * A text corpus: one document per line; a tab splits a line into BERT's two
 * segments (sentence A, sentence B); blank lines are skipped and counted.
 * Invalid UTF-8 is an error naming the line, since silently replaced bytes
 * would train on text that is not in the file.
 */
export async function readCorpusFile(path: string): Promise<{ documents: TextDocument[]; blank: number }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`corpus ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const documents: TextDocument[] = [];
  let blank = 0;
  let start = 0;
  for (let line = 1; start < bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(start, end));
    } catch {
      throw new Error(`corpus ${path}, line ${line}: not valid UTF-8`);
    }
    start = end + 1;
    text = text.replace(/\r$/, '');
    if (text.trim() === '') {
      blank++;
      continue;
    }
    const tab = text.indexOf('\t');
    if (tab < 0) documents.push({ textA: text });
    else {
      const textA = text.slice(0, tab);
      const textB = text.slice(tab + 1);
      if (textB.includes('\t')) throw new Error(`corpus ${path}, line ${line}: more than two tab-separated segments`);
      documents.push(textB.trim() === '' ? { textA } : { textA, textB });
    }
  }
  if (documents.length === 0) throw new Error(`corpus ${path}: no documents (an empty file, or only blank lines)`);
  return { documents, blank };
}
