import type { BertForMaskedLM, BertForPreTraining, BertTokenizer } from '@bamgpu/bert/node';

/** The tokenizer's vocabulary as vocab.txt text, one token a line in id order. */
export function vocabText(tokenizer: BertTokenizer): string {
  return [...Array(tokenizer.vocabSize).keys()].map((i) => tokenizer.convertIdsToTokens([i])[0]).join('\n') + '\n';
}

/** Writes a pre-trained model as a Hugging Face folder with its vocab.txt, ready for fine-tuning. */
export async function savePretrainedEncoder(model: BertForMaskedLM | BertForPreTraining, tokenizer: BertTokenizer, dir: string): Promise<void> {
  model.assets.set('vocab.txt', vocabText(tokenizer));
  await model.save(dir);
}
