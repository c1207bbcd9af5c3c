/**
 * Character classes of the reference BERT basic tokenizer (google-research/bert
 * tokenization.py, as refined by Hugging Face's BertTokenizer), as global
 * regular expressions over code points (the `u` flag makes astral characters
 * and lone surrogates one unit each, like Python's str iteration).
 */

/**
 * Characters dropped by text cleaning: U+FFFD and every Unicode category C*
 * character (Cc control incl. NUL, Cf format such as zero-width space and BOM,
 * Cs lone surrogates, Co private use, Cn unassigned) except \t \n \r, which are
 * whitespace. Hugging Face uses C*; google-research/bert only Cc and Cf.
 */
export const REMOVED_CHARS = /[^\P{C}\t\n\r]|\uFFFD/gu;

/** Characters that cleaning turns into a plain space: \t \n \r and category Zs (incl. U+00A0, U+3000). */
export const SPACE_CHARS = /[\t\n\r\p{Zs}]/gu;

/**
 * The CJK ideograph blocks the reference surrounds with spaces, so each becomes
 * its own word. Hiragana, Katakana and Hangul are not in these blocks.
 */
export const CJK_IDEOGRAPHS =
  /[\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{F900}-\u{FAFF}\u{2F800}-\u{2FA1F}]/gu;

/**
 * Runs of the characters Python's str.split() splits at (str.isspace). After
 * cleaning, only the space, U+2028 LINE SEPARATOR and U+2029 PARAGRAPH
 * SEPARATOR (categories Zl/Zp, which cleaning leaves alone) can still occur;
 * the full set is kept so this stays Python's rule.
 */
export const PYTHON_WHITESPACE_RUN = /[\t\n\x0B\f\r\x1C-\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/u;

/**
 * One punctuation character, or a maximal run of non-punctuation. Punctuation
 * is ASCII 33–47, 58–64, 91–96, 123–126 (so $ + < = > ^ ` | ~ count although
 * Unicode calls them symbols) plus every category P* character.
 */
export const PUNCTUATION_OR_RUN = /[!-\/:-@\[-`{-~\p{P}]|[^!-\/:-@\[-`{-~\p{P}]+/gu;

/** Combining marks (category Mn) removed after NFD when stripping accents. */
export const NONSPACING_MARKS = /\p{Mn}/gu;

/** Python's str.strip() set (str.isspace), anchored at both ends. */
export const PYTHON_OUTER_WHITESPACE =
  /^[\t\n\x0B\f\r\x1C-\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+|[\t\n\x0B\f\r\x1C-\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/gu;
