/** Model inputs for one sequence or pair; all three arrays have the same length. */
export interface BertEncoding {
  inputIds: number[];
  /** 0 for [CLS], the first segment and its [SEP]; 1 for the second segment and the final [SEP]; 0 for padding. */
  tokenTypeIds: number[];
  /** 1 for real tokens, 0 for padding. */
  attentionMask: number[];
}

/** Model inputs for a batch: one row per input, all rows padded to the same length. */
export interface BertBatchEncoding {
  inputIds: number[][];
  tokenTypeIds: number[][];
  attentionMask: number[][];
}

/** Ids of the tokens that frame a BERT input. */
export interface FramingIds {
  cls: number;
  sep: number;
}

/** [CLS] first [SEP] (second [SEP]) with token types and an all-ones attention mask. */
export function frameSegments(first: readonly number[], second: readonly number[] | undefined, ids: FramingIds): BertEncoding {
  const inputIds = [ids.cls, ...first, ids.sep];
  const tokenTypeIds = new Array<number>(inputIds.length).fill(0);
  if (second !== undefined) {
    inputIds.push(...second, ids.sep);
    tokenTypeIds.push(...new Array<number>(second.length + 1).fill(1));
  }
  return { inputIds, tokenTypeIds, attentionMask: new Array<number>(inputIds.length).fill(1) };
}

/** Appends padding up to `length` (which must not be shorter): pad id, token type 0, attention 0. */
export function padEncoding(encoding: BertEncoding, length: number, padId: number): BertEncoding {
  const extra = length - encoding.inputIds.length;
  return {
    inputIds: [...encoding.inputIds, ...new Array<number>(extra).fill(padId)],
    tokenTypeIds: [...encoding.tokenTypeIds, ...new Array<number>(extra).fill(0)],
    attentionMask: [...encoding.attentionMask, ...new Array<number>(extra).fill(0)],
  };
}
