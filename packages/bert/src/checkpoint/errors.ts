/** A checkpoint folder or file that cannot be loaded into (or saved from) a model. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}
