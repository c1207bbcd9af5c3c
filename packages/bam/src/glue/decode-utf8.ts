import { GlueFormatError } from './format-error.js';

/**
 * Decodes a data file as strict UTF-8. A lenient decoder turns bad bytes
 * into U+FFFD, so a Latin-1 or corrupted file would train on replacement
 * characters without a word; here it is an error naming the file, the
 * 1-based line and the byte.
 */
export function decodeUtf8Strict(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Find the line: decode line by line until one fails.
    const strict = new TextDecoder('utf-8', { fatal: true });
    let start = 0;
    for (let line = 1; start <= bytes.length; line++) {
      let end = bytes.indexOf(0x0a, start);
      if (end < 0) end = bytes.length;
      const chunk = bytes.subarray(start, end);
      try {
        strict.decode(chunk);
      } catch {
        let col = 0;
        while (col < chunk.length && isValidPrefix(chunk.subarray(0, col + 1))) col++;
        const b = chunk[col] ?? chunk[chunk.length - 1];
        throw new GlueFormatError(source, line, `invalid UTF-8 (byte 0x${b.toString(16).padStart(2, '0')} near byte ${col + 1} of the line); re-encode the file as UTF-8`);
      }
      start = end + 1;
    }
    throw new GlueFormatError(source, 1, 'invalid UTF-8');
  }
}

/** Whether `bytes` decodes, allowing an incomplete sequence at its end. */
function isValidPrefix(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}
