import type { CorpusVersion } from '../synthetic/corpus.js';

/**
 * The demo's recipe: the embedded suite, masked-LM pre-training of a small
 * BERT on the suite's unlabelled corpus, then fine-tuning. One recipe for
 * every method: Single, Multi, BAM and the ablations all start from the
 * same pre-trained encoder with the same epochs, learning rate and batch
 * size; only what the method itself changes differs.
 */
export interface DemoRecipe {
  /** Size of the synthetic suite (1 = as designed, ~10k training examples). */
  scale: number;
  hidden: number;
  layers: number;
  /** Pre-training corpus: its version (docs/synthetic-glue.md §10), documents, then steps, peak learning rate, batch size. */
  corpusVersion: CorpusVersion;
  corpusSize: number;
  pretrainSteps: number;
  pretrainLr: number;
  pretrainBatchSize: number;
  /** BERT's next-sentence task beside masked LM (trains the pooler the heads read). */
  nextSentence: boolean;
  /** Pre-training batches of documents of similar length: less padding, the same documents. */
  groupByLength: boolean;
  /** Weight of the token-match pre-training task (pretrain/token-match.ts); 0: off. */
  tokenMatch: number;
  /** Adam's bias correction in pre-training (PyTorch's AdamW); false: BERT's AdamW. */
  pretrainBiasCorrection: boolean;
  /** Fine-tuning, the same for every method. */
  epochs: number;
  learningRate: number;
  batchSize: number;
  maxSeqLength: number;
  /** Dev evaluations per run (evenly spaced), so every run draws a curve. */
  evalCount: number;
}

/**
 * Chosen on seed 0's single-task teachers, near the demo's time budget
 * (about 11 minutes on lavapipe with 2 cores, half of it pre-training), the
 * same for every method; docs/results/README.md lists the settings tried and
 * what each gave.
 */
export const DEMO_RECIPE: DemoRecipe = {
  scale: 0.5,
  hidden: 64,
  layers: 2,
  corpusVersion: 1,
  corpusSize: 50000,
  pretrainSteps: 6000,
  pretrainLr: 1e-3,
  pretrainBatchSize: 64,
  nextSentence: true,
  groupByLength: true,
  tokenMatch: 0,
  pretrainBiasCorrection: false,
  epochs: 10,
  learningRate: 3e-4,
  batchSize: 32,
  maxSeqLength: 40,
  evalCount: 10,
};
