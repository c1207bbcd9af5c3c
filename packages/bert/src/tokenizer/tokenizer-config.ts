import { TokenizerError } from './errors.js';

/** How text is normalised before WordPiece; every field is optional with the defaults noted. */
export interface BertTokenizerOptions {
  /** Lower-case the text (uncased vocabularies). Default true. */
  lowercase?: boolean;
  /** Strip accents (NFD, drop combining marks). Default: the value of `lowercase`, as in the original BERT. */
  stripAccents?: boolean;
  /** Put spaces around CJK ideographs. Default true. */
  tokenizeChineseChars?: boolean;
}

/** "at position N" from a JSON.parse message → "line L, column C" of `text`. */
function jsonErrorLocation(text: string, message: string): string {
  const match = /position (\d+)/.exec(message);
  // Newer V8 versions already say "(line L column C)".
  if (match === null || /line \d+/.test(message)) return '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

function readFlag(config: Record<string, unknown>, key: string, path: string, allowNull: boolean): boolean | undefined {
  const value = config[key];
  if (value === undefined || (allowNull && value === null)) return undefined;
  if (typeof value !== 'boolean') {
    const valid = allowNull ? 'true, false or null' : 'true or false';
    throw new TokenizerError(`${path}: "${key}" must be ${valid}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Reads the keys of a Hugging Face tokenizer_config.json that change BERT's
 * tokenization: do_lower_case, strip_accents (null = follow do_lower_case) and
 * tokenize_chinese_chars. Other keys are ignored; custom special-token
 * spellings (unk_token etc.) are not supported.
 */
export function parseTokenizerConfig(text: string, path: string): BertTokenizerOptions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new TokenizerError(`${path}: invalid JSON${jsonErrorLocation(text, message)}: ${message}`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TokenizerError(`${path}: expected a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  }
  const config = parsed as Record<string, unknown>;
  const options: BertTokenizerOptions = {};
  const lowercase = readFlag(config, 'do_lower_case', path, false);
  const stripAccents = readFlag(config, 'strip_accents', path, true);
  const tokenizeChineseChars = readFlag(config, 'tokenize_chinese_chars', path, false);
  if (lowercase !== undefined) options.lowercase = lowercase;
  if (stripAccents !== undefined) options.stripAccents = stripAccents;
  if (tokenizeChineseChars !== undefined) options.tokenizeChineseChars = tokenizeChineseChars;
  return options;
}
