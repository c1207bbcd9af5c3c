/**
 * @bamgpu/bert — BERT on @bamgpu/core: Hugging Face configs and checkpoints,
 * the WordPiece tokenizer, the model and its task heads.
 */
export * from './tokenizer/index.js';
export {
  BertConfigError, bertConfig, parseBertConfig, parseBertConfigText, bertConfigToJson, bertConfigToText, headDim,
  type BertConfig, type BertConfigInit,
} from './config.js';
export { BertModel, type BertModelOutput } from './model/bert-model.js';
export { BertForSequenceClassification, type SequenceClassifierOutput } from './model/sequence-classification.js';
export { BertForMaskedLM, TIED_MLM_KEYS, TIED_MLM_WEIGHTS, type MaskedLMOutput, type MaskedLMForwardOptions } from './model/masked-lm.js';
export { BertForPreTraining, type PreTrainingOutput } from './model/pretraining.js';
export { BertMultiTask, TASKS_CONFIG_KEY, type MultiTaskOutput, type MultiTaskPretrainedOptions } from './model/multi-task.js';
export { TaskHeads, type HeadInit, type TaskHeadsOptions, type TaskSpec } from './model/task-heads.js';
export { BertInputError, type BertInputs } from './model/inputs.js';
export type { BertBuildOptions } from './model/options.js';
export { BERT_NO_DECAY } from './model/no-decay.js';
export { CheckpointError } from './checkpoint/errors.js';
export type { FromPretrainedOptions } from './checkpoint/pretrained.js';
export type { LoadReport } from './checkpoint/load-weights.js';
export { fetchFolder, memoryFolder, type FolderReader, type FolderWriter, type Folder } from './checkpoint/folder-io.js';
