/**
 * One labelled (or unlabelled) example of a sentence or sentence-pair task.
 * GLUE readers and the embedded synthetic suite both produce these, so every
 * later stage (tokenisation, teachers, the student) sees one shape of data.
 */
export interface Example {
  /** Stable id, unique within one task and split; teacher predictions are keyed by it. */
  id: string;
  /** First (or only) sentence. */
  textA: string;
  /** Second sentence of a pair task. */
  textB?: string;
  /**
   * Gold label: the label string exactly as the task's files spell it for
   * classification ("0", "entailment", ...), a number for regression. Absent on test splits.
   */
  label?: string | number;
}
