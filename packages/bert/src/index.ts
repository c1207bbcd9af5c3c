/**
 * @bamgpu/bert — BERT on @bamgpu/core: Hugging Face configs and checkpoints,
 * the WordPiece tokenizer, the model and its task heads.
 */
export * from './tokenizer/index.js';
