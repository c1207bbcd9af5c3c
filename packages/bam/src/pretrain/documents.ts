import type { BertTokenizer } from '@bamgpu/bert/node';

/** A text of the corpus: one segment, or two (BERT's sentence A and B). */
export interface TextDocument {
  textA: string;
  textB?: string;
}

/** Token ids of each document, `[CLS] a [SEP] (b [SEP])`, truncated longest-first to `maxLength`. */
export interface EncodedDocuments {
  inputIds: number[][];
  tokenTypeIds: number[][];
}

export function encodeDocuments(docs: readonly TextDocument[], tokenizer: BertTokenizer, maxLength: number): EncodedDocuments {
  const inputIds: number[][] = [];
  const tokenTypeIds: number[][] = [];
  for (const d of docs) {
    const enc = tokenizer.encode(d.textA, d.textB, { maxLength });
    inputIds.push(enc.inputIds);
    tokenTypeIds.push(enc.tokenTypeIds);
  }
  return { inputIds, tokenTypeIds };
}
