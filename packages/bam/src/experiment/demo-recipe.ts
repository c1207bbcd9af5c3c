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
  /** Pre-training corpus documents, steps, peak learning rate, batch size. */
  corpusSize: number;
  pretrainSteps: number;
  pretrainLr: number;
  pretrainBatchSize: number;
  /** Fine-tuning, the same for every method. */
  epochs: number;
  learningRate: number;
  batchSize: number;
  maxSeqLength: number;
  /** Dev evaluations per run (evenly spaced), so every run draws a curve. */
  evalCount: number;
}

export const DEMO_RECIPE: DemoRecipe = {
  scale: 1,
  hidden: 64,
  layers: 2,
  corpusSize: 50000,
  pretrainSteps: 2000,
  pretrainLr: 1e-3,
  pretrainBatchSize: 64,
  epochs: 3,
  learningRate: 1e-3,
  batchSize: 32,
  maxSeqLength: 40,
  evalCount: 10,
};
