/**
 * The embedded synthetic GLUE-like suite (browser-safe). The Node-only disk
 * writer lives in ./write-node.ts and is deliberately not re-exported here.
 */
export { generateSyntheticGlue, SYNTHETIC_TASK_NAMES } from './suite.js';
export type { SyntheticGlueOptions } from './suite.js';
export { generatePretrainingCorpus, CORPUS_PAIR_RATE, CORPUS_VERSIONS, type CorpusDocument, type CorpusOptions, type CorpusVersion } from './corpus.js';
export { syntheticVocabulary, syntheticVocabTxt, SPECIAL_TOKENS } from './vocabulary.js';
export type {
  ClassificationTaskMetadata,
  LabelNoise,
  MetricName,
  RegressionTaskMetadata,
  SplitName,
  SyntheticSuite,
  SyntheticTask,
  SyntheticTaskMetadata,
  TaskSplits,
} from './types.js';
export { SPLIT_NAMES } from './types.js';
