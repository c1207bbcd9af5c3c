import { CheckpointError } from './errors.js';
import { mapCheckpointNames } from './names.js';
import { toFloat32, type Module, type SafetensorEntry } from '@bamgpu/core';

/** What a checkpoint load did, in the names each side uses. */
export interface LoadReport {
  /** The folder or file the weights came from. */
  source: string;
  /** Model parameters the checkpoint lacked: they keep BERT's random init (e.g. a new classifier). */
  missing: string[];
  /** Checkpoint tensors the model has no parameter for (e.g. pre-training heads `cls.…`): not loaded. */
  unexpected: string[];
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Copies checkpoint tensors into the model's parameters by (mapped) name,
 * converting F16/BF16/F64 to float32. Every shape and value is checked
 * before anything is written (non-finite values are refused), so a
 * mismatching file leaves the model untouched.
 */
export function loadWeights(model: Module, tensors: ReadonlyMap<string, SafetensorEntry>, source: string): LoadReport {
  const params = new Map(model.namedParameters());
  const mapping = mapCheckpointNames(tensors.keys(), params.keys(), source);
  const plan = [...mapping.matched].map(([paramName, ckptName]) => {
    const param = params.get(paramName)!;
    const entry = tensors.get(ckptName)!;
    const same = entry.shape.length === param.shape.length && entry.shape.every((d, i) => d === param.shape[i]);
    if (!same) {
      const target = paramName === ckptName ? '' : ` (parameter "${paramName}")`;
      throw new CheckpointError(`${entry.source}: tensor "${ckptName}" has shape ${fmt(entry.shape)} but the model expects ${fmt(param.shape)}${target}`);
    }
    if (param.dtype !== 'float32') throw new CheckpointError(`parameter "${paramName}" is ${param.dtype}; checkpoints load into float32 parameters`);
    // A NaN or infinite weight would poison every output and every update
    // after it, silently; refuse the file instead, naming the tensor.
    const data = toFloat32(entry);
    const bad = data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new CheckpointError(`${entry.source}: tensor "${ckptName}" holds ${data[bad]} at element ${bad} of ${data.length}; refusing non-finite weights`);
    return { param, data };
  });
  // Submitting pending init work first lets each upload go straight to the
  // queue instead of through a staging copy held until the next submit.
  if (plan.length > 0) plan[0].param.runtime.flush();
  for (const { param, data } of plan) param.runtime.upload(param.binding(), data);
  return { source, missing: mapping.missing, unexpected: mapping.unexpected };
}
