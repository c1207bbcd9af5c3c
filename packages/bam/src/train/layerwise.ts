/**
 * Layer-wise learning rates for BERT parameters by Hugging Face name, as the
 * BAM reference assigns them (optimization._get_edecay_lrs): depth 0 for the
 * embeddings, i+1 for encoder layer i, L+1 for the pooler, L+2 for the task
 * heads; the multiplier is decay^(L+2−depth), so heads get the full rate.
 */
export function bertDepth(name: string, numLayers: number): number {
  if (name.startsWith('bert.embeddings.')) return 0;
  const layer = /^bert\.encoder\.layer\.(\d+)\./.exec(name);
  if (layer) return Number(layer[1]) + 1;
  if (name.startsWith('bert.pooler.')) return numLayers + 1;
  if (name.startsWith('heads.') || name.startsWith('classifier.')) return numLayers + 2;
  throw new Error(`no learning rate depth for parameter "${name}"`);
}

/** Multiplier for a parameter; decay ≤ 0 turns layer-wise rates off (all 1). */
export function layerwiseLrMultiplier(name: string, numLayers: number, decay: number): number {
  if (decay <= 0) return 1;
  return decay ** (numLayers + 2 - bertDepth(name, numLayers));
}
