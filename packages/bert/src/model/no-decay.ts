/**
 * BERT's weight-decay exclusions, for AdamW's `noDecay`: biases and LayerNorm
 * weights (google-research/bert optimization.py; Hugging Face's run_glue).
 */
export const BERT_NO_DECAY = (name: string): boolean =>
  /(^|\.)(bias|LayerNorm\.weight|LayerNorm\.bias|layer_norm\.weight|layer_norm\.bias)$/.test(name) || /LayerNorm|layer_norm/.test(name);
