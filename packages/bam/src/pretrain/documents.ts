import type { BertTokenizer } from '@bamgpu/bert/node';

/** A text of the corpus: one segment, or two (BERT's sentence A and B). */
export interface TextDocument {
  textA: string;
  textB?: string;
}

/** Each document's segments as token ids, without special tokens. */
export interface TokenizedDocuments {
  a: number[][];
  /** null for one-segment documents. */
  b: (number[] | null)[];
}

export function tokenizeDocuments(docs: readonly TextDocument[], tokenizer: BertTokenizer): TokenizedDocuments {
  const ids = (text: string) => tokenizer.convertTokensToIds(tokenizer.tokenize(text));
  return { a: docs.map((d) => ids(d.textA)), b: docs.map((d) => (d.textB === undefined ? null : ids(d.textB))) };
}

/**
 * `[CLS] a [SEP] (b [SEP])` with type ids 0 then 1, truncated to `maxLength`
 * as the tokenizer truncates (a single text from its end; a pair longest
 * first, the second segment on ties).
 */
export function frame(a: readonly number[], b: readonly number[] | null, maxLength: number, cls: number, sep: number): { inputIds: number[]; tokenTypeIds: number[] } {
  let first = [...a];
  let second = b === null ? null : [...b];
  const room = maxLength - (second === null ? 2 : 3);
  if (room < 0) throw new RangeError(`maxSeqLength ${maxLength} cannot hold the special tokens`);
  if (second === null) first = first.slice(0, room);
  else {
    while (first.length + second.length > room) {
      if (first.length > second.length) first.pop();
      else second.pop();
    }
  }
  const inputIds = [cls, ...first, sep, ...(second === null ? [] : [...second, sep])];
  const tokenTypeIds = inputIds.map((_, i) => (i < first.length + 2 ? 0 : 1));
  return { inputIds, tokenTypeIds };
}
