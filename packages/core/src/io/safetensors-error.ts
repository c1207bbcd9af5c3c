/**
 * A safetensors file (or a tensor handed to the writer) the format does not
 * allow. The message starts with the file's name, then names the tensor,
 * key or byte count at fault.
 */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}
