import { CheckpointError } from './errors.js';

/**
 * Non-parameter buffers that some Hugging Face BERT checkpoints contain
 * (position and token-type id ranges); they carry no weights and are skipped
 * without being reported, as transformers does.
 */
const BUFFER_SUFFIXES = ['embeddings.position_ids', 'embeddings.token_type_ids'];

/** The base model's attribute in Hugging Face task models; base-model checkpoints lack it. */
export const BASE_PREFIX = 'bert.';

export interface NameMapping {
  /** Model parameter name → checkpoint tensor name. */
  matched: Map<string, string>;
  /** Model parameters with no tensor in the checkpoint. */
  missing: string[];
  /** Checkpoint tensors that match no parameter (pre-training heads `cls.…`, other tasks' heads). */
  unexpected: string[];
  /** Buffers skipped on purpose. */
  ignored: string[];
}

function isBuffer(name: string): boolean {
  return BUFFER_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`));
}

/** Old TensorFlow-converted checkpoints call LayerNorm's weight and bias gamma and beta. */
function modernLayerNormName(name: string): string {
  return name.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
}

/** Names a checkpoint tensor may stand for: as is, with the `bert.` prefix added, or with it removed. */
function candidates(name: string): string[] {
  const n = modernLayerNormName(name);
  const out = [n, BASE_PREFIX + n];
  if (n.startsWith(BASE_PREFIX)) out.push(n.slice(BASE_PREFIX.length));
  return out;
}

/**
 * Matches checkpoint tensor names to model parameter names the way
 * transformers' from_pretrained does for BERT: with or without the `bert.`
 * prefix (base-model checkpoints into task models and back), old
 * `gamma`/`beta` LayerNorm names, buffers ignored. Two tensors that map to
 * the same parameter are an error, since either choice would be a guess.
 */
export function mapCheckpointNames(checkpointNames: Iterable<string>, modelNames: Iterable<string>, source: string): NameMapping {
  const model = new Set(modelNames);
  const matched = new Map<string, string>();
  const unexpected: string[] = [];
  const ignored: string[] = [];
  for (const name of checkpointNames) {
    if (isBuffer(name)) {
      ignored.push(name);
      continue;
    }
    const target = candidates(name).find((c) => model.has(c));
    if (target === undefined) {
      unexpected.push(name);
      continue;
    }
    const prior = matched.get(target);
    if (prior !== undefined) {
      throw new CheckpointError(`${source}: tensors "${prior}" and "${name}" both map to parameter "${target}"`);
    }
    matched.set(target, name);
  }
  const missing = [...model].filter((n) => !matched.has(n));
  return { matched, missing, unexpected, ignored };
}
