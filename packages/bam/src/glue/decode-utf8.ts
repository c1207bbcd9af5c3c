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
        const at = badByte(chunk);
        throw new GlueFormatError(source, line, `invalid UTF-8 (byte 0x${chunk[at].toString(16).padStart(2, '0')} at byte ${at + 1} of the line); re-encode the file as UTF-8`);
      }
      start = end + 1;
    }
    throw new GlueFormatError(source, 1, 'invalid UTF-8');
  }
}

/**
 * 0-based offset of the first byte of the first invalid sequence: the last
 * character boundary before the shortest prefix that cannot be continued.
 */
function badByte(chunk: Uint8Array): number {
  const decodes = (end: number, stream: boolean) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(0, end), { stream });
      return true;
    } catch {
      return false;
    }
  };
  // The shortest prefix that cannot be continued, by binary search (a prefix
  // that can be continued has only such prefixes itself): a linear walk
  // decoded every prefix, quadratic in the line's length (a 1 MB line
  // without a newline took minutes).
  let k = 1;
  let hi = chunk.length;
  while (k < hi) {
    const mid = (k + hi) >>> 1;
    if (decodes(mid, true)) k = mid + 1;
    else hi = mid;
  }
  let at = k - 1;
  while (at > 0 && !decodes(at, false)) at--;
  return at;
}
