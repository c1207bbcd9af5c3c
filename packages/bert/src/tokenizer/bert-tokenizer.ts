import { basicTokenize, type BasicTokenizerSettings } from './basic-tokenizer.js';
import { cleanUpTokenizationSpaces, joinWordPieces } from './decode-text.js';
import { frameSegments, padEncoding, type BertBatchEncoding, type BertEncoding } from './encoding.js';
import { TokenizerError } from './errors.js';
import { SPECIAL_TOKENS, splitOnSpecialTokens, type SpecialToken } from './special-tokens.js';
import { joinPath, readOptionalTextFile, readTextFile } from './text-files.js';
import { parseTokenizerConfig, type BertTokenizerOptions } from './tokenizer-config.js';
import { truncateLongestFirst } from './truncation.js';
import { checkRequiredSpecialTokens, indexVocabulary, parseVocabText } from './vocab.js';
import { wordpieceTokenize } from './wordpiece.js';

export interface EncodeOptions {
  /**
   * Truncate so the whole encoding, special tokens included, has at most this
   * many tokens: a single text loses tokens from its end; a pair is truncated
   * longest-first (see truncateLongestFirst). Must leave room for the special
   * tokens: at least 2 for one text, 3 for a pair.
   */
  maxLength?: number;
  /** Pad with [PAD] (type 0, attention 0) to exactly this length; an encoding longer than this is an error. */
  padToLength?: number;
}

export interface BatchEncodeOptions {
  /** Per-input truncation, as in EncodeOptions.maxLength. */
  maxLength?: number;
  /** Pad every row to this length instead of to the longest row. */
  padToLength?: number;
}

export interface DecodeOptions {
  /** Leave out [PAD] [UNK] [CLS] [SEP] [MASK] (as Hugging Face does, [UNK] included). Default false. */
  skipSpecialTokens?: boolean;
  /** Apply Hugging Face's clean_up_tokenization ("don ' t ." → "don't."). Default false. */
  cleanUpTokenizationSpaces?: boolean;
}

/** One batch input: a text, or a pair of texts. */
export type BatchInput = string | readonly [string, string];

const VOCAB_FILE = 'vocab.txt';
const CONFIG_FILE = 'tokenizer_config.json';

function checkLength(value: number | undefined, name: string, method: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
    throw new TokenizerError(`BertTokenizer.${method}: ${name} must be a non-negative integer, got ${String(value)}`);
  }
}

function checkText(text: unknown, name: string, method: string): asserts text is string {
  if (typeof text !== 'string') {
    throw new TokenizerError(`BertTokenizer.${method}: ${name} must be a string, got ${text === null ? 'null' : typeof text}`);
  }
}

function checkFlag(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TokenizerError(`BertTokenizerOptions.${name} must be true or false, got ${JSON.stringify(value)}`);
  }
}

/**
 * BERT's WordPiece tokenizer: google-research/bert's basic tokenizer and
 * WordPiece, with Hugging Face BertTokenizer's handling of special tokens,
 * pair truncation and decoding. Runs in browsers; only fromVocab(path) and
 * fromPretrained need Node's file system.
 */
export class BertTokenizer {
  /** Number of vocabulary lines (= the model's embedding rows), duplicates included. */
  readonly vocabSize: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly settings: Readonly<BasicTokenizerSettings>;

  private readonly idToToken: readonly string[];
  private readonly tokenToId: ReadonlyMap<string, number>;
  private readonly vocabSource: string;

  /**
   * @param tokens the vocabulary: tokens[i] has id i. If a token occurs twice its
   *   later id is the one text maps to (Hugging Face's rule); both ids decode to it.
   * @param vocabSource where the tokens came from, for error messages.
   * @throws TokenizerError if [UNK], [CLS] or [SEP] is missing (naming which).
   */
  constructor(tokens: readonly string[], options: BertTokenizerOptions = {}, vocabSource = 'token list') {
    if (!Array.isArray(tokens) || tokens.some((token) => typeof token !== 'string')) {
      throw new TokenizerError(`BertTokenizer: the vocabulary (${vocabSource}) must be an array of strings`);
    }
    checkFlag(options.lowercase, 'lowercase');
    checkFlag(options.stripAccents, 'stripAccents');
    checkFlag(options.tokenizeChineseChars, 'tokenizeChineseChars');
    const index = indexVocabulary(tokens);
    checkRequiredSpecialTokens(index, vocabSource);
    this.idToToken = [...tokens];
    this.tokenToId = index;
    this.vocabSource = vocabSource;
    this.vocabSize = tokens.length;
    this.unkId = index.get('[UNK]') as number;
    this.clsId = index.get('[CLS]') as number;
    this.sepId = index.get('[SEP]') as number;
    const lowercase = options.lowercase ?? true;
    this.settings = Object.freeze({
      lowercase,
      stripAccents: options.stripAccents ?? lowercase,
      tokenizeChineseChars: options.tokenizeChineseChars ?? true,
    });
  }

  /**
   * A vocabulary given as the contents of a vocab.txt (any string containing a
   * newline) or as the path of one (Node only). See parseVocabText for the format.
   */
  static async fromVocab(pathOrText: string, options: BertTokenizerOptions = {}): Promise<BertTokenizer> {
    if (pathOrText.includes('\n')) return new BertTokenizer(parseVocabText(pathOrText), options, 'vocabulary text');
    const text = await readTextFile(pathOrText, 'vocabulary file');
    return new BertTokenizer(parseVocabText(text), options, pathOrText);
  }

  /**
   * A Hugging Face model directory (Node only): dir/vocab.txt, plus
   * dir/tokenizer_config.json if present for do_lower_case (default true),
   * strip_accents and tokenize_chinese_chars.
   */
  static async fromPretrained(dir: string): Promise<BertTokenizer> {
    const vocabPath = await joinPath(dir, VOCAB_FILE);
    const configPath = await joinPath(dir, CONFIG_FILE);
    const vocabText = await readTextFile(vocabPath, 'vocabulary file');
    const configText = await readOptionalTextFile(configPath, 'tokenizer config');
    const options = configText === undefined ? {} : parseTokenizerConfig(configText, configPath);
    return new BertTokenizer(parseVocabText(vocabText), options, vocabPath);
  }

  get padId(): number {
    return this.optionalSpecialId('[PAD]');
  }

  get maskId(): number {
    return this.optionalSpecialId('[MASK]');
  }

  private optionalSpecialId(token: SpecialToken): number {
    const id = this.tokenToId.get(token);
    if (id === undefined) throw new TokenizerError(`BertTokenizer: the vocabulary (${this.vocabSource}) has no ${token} token`);
    return id;
  }

  /**
   * Text → WordPiece tokens. Special tokens written in the text ("[SEP]",
   * "[MASK]", exactly so spelled) are cut out first and kept as they are; the
   * rest goes through the basic tokenizer (see basicTokenize) and WordPiece.
   */
  tokenize(text: string): string[] {
    checkText(text, 'text', 'tokenize');
    const tokens: string[] = [];
    for (const piece of splitOnSpecialTokens(text)) {
      if (piece.special) {
        tokens.push(piece.text);
        continue;
      }
      for (const word of basicTokenize(piece.text, this.settings)) {
        tokens.push(...wordpieceTokenize(word, this.tokenToId, '[UNK]'));
      }
    }
    return tokens;
  }

  /** Tokens not in the vocabulary map to unkId. */
  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((token) => this.tokenToId.get(token) ?? this.unkId);
  }

  /** @throws TokenizerError for an id that is not an integer in [0, vocabSize). */
  convertIdsToTokens(ids: readonly number[]): string[] {
    return ids.map((id, position) => this.tokenOf(id, position, 'convertIdsToTokens'));
  }

  private tokenOf(id: number, position: number, method: string): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new TokenizerError(
        `BertTokenizer.${method}: token id ${String(id)} at position ${position} is out of range for vocabulary size ${this.vocabSize}`,
      );
    }
    return this.idToToken[id];
  }

  /**
   * [CLS] a [SEP] — or [CLS] a [SEP] b [SEP] when `b` is given, even as "" —
   * with token types and attention mask; optionally truncated and padded.
   */
  encode(a: string, b?: string, options: EncodeOptions = {}): BertEncoding {
    checkText(a, 'a', 'encode');
    if (b !== undefined) checkText(b, 'b', 'encode');
    const { maxLength, padToLength } = options;
    checkLength(maxLength, 'maxLength', 'encode');
    checkLength(padToLength, 'padToLength', 'encode');

    let first = this.convertTokensToIds(this.tokenize(a));
    let second = b === undefined ? undefined : this.convertTokensToIds(this.tokenize(b));
    if (maxLength !== undefined) {
      const specials = second === undefined ? 2 : 3;
      if (maxLength < specials) {
        const layout = second === undefined ? '[CLS] a [SEP]' : '[CLS] a [SEP] b [SEP]';
        throw new TokenizerError(
          `BertTokenizer.encode: maxLength ${maxLength} cannot hold the ${specials} special tokens of ${layout}`,
        );
      }
      const room = maxLength - specials;
      if (second === undefined) first = first.slice(0, room);
      else [first, second] = truncateLongestFirst(first, second, room);
    }

    const encoding = frameSegments(first, second, { cls: this.clsId, sep: this.sepId });
    if (padToLength === undefined) return encoding;
    if (encoding.inputIds.length > padToLength) {
      throw new TokenizerError(
        `BertTokenizer.encode: the encoding has ${encoding.inputIds.length} tokens, more than padToLength ${padToLength}; ` +
          'set maxLength to truncate',
      );
    }
    return encoding.inputIds.length < padToLength ? padEncoding(encoding, padToLength, this.padId) : encoding;
  }

  /**
   * Encodes every input (a text or a [text, text] pair) with `maxLength`, then
   * pads all rows with [PAD] (type 0, attention 0) to the longest row, or to
   * `padToLength` if given.
   */
  encodeBatch(inputs: readonly BatchInput[], options: BatchEncodeOptions = {}): BertBatchEncoding {
    if (!Array.isArray(inputs)) throw new TokenizerError('BertTokenizer.encodeBatch: inputs must be an array');
    checkLength(options.padToLength, 'padToLength', 'encodeBatch');
    const encodings = inputs.map((input: BatchInput, row) => {
      if (typeof input === 'string') return this.encode(input, undefined, { maxLength: options.maxLength });
      if (!Array.isArray(input) || input.length !== 2) {
        throw new TokenizerError(`BertTokenizer.encodeBatch: input ${row} must be a string or a [string, string] pair`);
      }
      return this.encode(input[0], input[1], { maxLength: options.maxLength });
    });
    const longest = encodings.reduce((most, encoding) => Math.max(most, encoding.inputIds.length), 0);
    const width = options.padToLength ?? longest;
    if (width < longest) {
      const row = encodings.findIndex((encoding) => encoding.inputIds.length === longest);
      throw new TokenizerError(
        `BertTokenizer.encodeBatch: input ${row} has ${longest} tokens, more than padToLength ${width}; set maxLength to truncate`,
      );
    }
    // Padding is only needed (and [PAD] only required) when some row is short.
    const padded = encodings.map((encoding) =>
      encoding.inputIds.length < width ? padEncoding(encoding, width, this.padId) : encoding,
    );
    return {
      inputIds: padded.map((encoding) => encoding.inputIds),
      tokenTypeIds: padded.map((encoding) => encoding.tokenTypeIds),
      attentionMask: padded.map((encoding) => encoding.attentionMask),
    };
  }

  /**
   * Ids → text, as Hugging Face's BertTokenizer.decode: tokens joined with
   * spaces and "##" continuations glued on (see joinWordPieces), then
   * optionally HF's clean-up of spaces before punctuation. Lower-casing,
   * accent stripping and punctuation splitting are not undone.
   * @throws TokenizerError for an id outside [0, vocabSize).
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    let tokens = ids.map((id, position) => this.tokenOf(id, position, 'decode'));
    if (options.skipSpecialTokens === true) {
      const special = new Set(SPECIAL_TOKENS.flatMap((token) => this.tokenToId.get(token) ?? []));
      tokens = tokens.filter((_, position) => !special.has(ids[position]));
    }
    const text = joinWordPieces(tokens);
    return options.cleanUpTokenizationSpaces === true ? cleanUpTokenizationSpaces(text) : text;
  }
}
