import { CheckpointError } from './errors.js';
import { serializeSafetensors, type Module, type SafetensorsInput } from '@bamgpu/core';

/**
 * The model's parameters as model.safetensors bytes: F32, the parameter
 * names (Hugging Face's for the BERT models), metadata {"format": "pt"}
 * which transformers requires. The writer orders tensors canonically, so
 * equal weights always give equal bytes.
 */
export async function serializeWeights(model: Module): Promise<Uint8Array> {
  const entries: [string, SafetensorsInput][] = [];
  for (const [name, p] of model.namedParameters()) {
    if (p.dtype !== 'float32') throw new CheckpointError(`parameter "${name}" is ${p.dtype}; only float32 parameters are saved`);
    entries.push([name, { dtype: 'F32', shape: [...p.shape], data: await p.data() }]);
  }
  return serializeSafetensors(entries, { format: 'pt' });
}
