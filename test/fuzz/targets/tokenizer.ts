import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertTokenizer } from '../../../packages/bert/src/tokenizer/bert-tokenizer.js';
import { TokenizerError } from '../../../packages/bert/src/tokenizer/errors.js';
import { SPECIAL_TOKENS, splitOnSpecialTokens } from '../../../packages/bert/src/tokenizer/special-tokens.js';
import { parseTokenizerConfig } from '../../../packages/bert/src/tokenizer/tokenizer-config.js';
import { parseVocabText } from '../../../packages/bert/src/tokenizer/vocab.js';
import { expectValid, runCase, type FuzzTarget } from '../harness.js';
import { decodeText, fieldMutationsOf, inputsFrom } from '../mutate.js';

const VOCAB_FILE = 'fuzz/vocab.txt';
const CONFIG_FILE = 'fuzz/tokenizer_config.json';
const utf8 = (s: string) => new TextEncoder().encode(s);
const fixtureVocab = readFileSync(join(import.meta.dirname, '../../../packages/bert/test/fixtures/tokenizer/vocab.txt'));
const SAMPLE = 'Hello, [CLS] world! Naïve café 東京 unaffable ##ing [SEP] [sep] \u0000\t\r\n';

/** vocab.txt: a tokenizer is built (or refused) and then tokenizes a fixed sample and the file's own text. */
export const vocabTarget: FuzzTarget = {
  name: 'vocab',
  input: inputsFrom([new Uint8Array(fixtureVocab), utf8('[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n##lo\r\n')]),
  check(bytes) {
    const text = decodeText(bytes);
    const out = runCase(bytes, { file: VOCAB_FILE, own: [TokenizerError] }, () => {
      const tokenizer = new BertTokenizer(parseVocabText(text), {}, VOCAB_FILE);
      return { tokenizer, encodings: [tokenizer.encode(SAMPLE), tokenizer.encode(text.slice(0, 300), text.slice(300, 600))] };
    });
    if (!('value' in out)) return;
    const { tokenizer, encodings } = out.value;
    for (const e of encodings) {
      expectValid(e.inputIds.every((id) => Number.isInteger(id) && id >= 0 && id < tokenizer.vocabSize), `${VOCAB_FILE}: an id outside [0, ${tokenizer.vocabSize})`);
      expectValid(e.inputIds[0] === tokenizer.clsId, `${VOCAB_FILE}: encoding does not start with [CLS]`);
    }
  },
};

const CONFIG = { do_lower_case: true, strip_accents: null, tokenize_chinese_chars: true, model_max_length: 512, tokenizer_class: 'BertTokenizer' };

export const tokenizerConfigTarget: FuzzTarget = {
  name: 'tokenizer-config',
  input: inputsFrom([utf8(JSON.stringify(CONFIG, null, 2))], fieldMutationsOf(CONFIG, Object.keys(CONFIG))),
  check(bytes) {
    const out = runCase(bytes, { file: CONFIG_FILE, own: [TokenizerError], where: /"(do_lower_case|strip_accents|tokenize_chinese_chars)"|invalid JSON|expected a JSON object/ }, () =>
      parseTokenizerConfig(decodeText(bytes), CONFIG_FILE),
    );
    if (!('value' in out)) return;
    for (const [k, v] of Object.entries(out.value)) expectValid(typeof v === 'boolean', `${CONFIG_FILE}: option ${k} = ${JSON.stringify(v)}`);
  },
};

/** Special tokens cut out of text: the pieces rebuild the text, and only exact special tokens are marked special. */
export const specialTokensTarget: FuzzTarget = {
  name: 'special-tokens',
  input: inputsFrom([utf8(SAMPLE), utf8('[CLS][SEP][PAD][UNK][MASK][[SEP]]')]),
  check(bytes) {
    const text = decodeText(bytes);
    const out = runCase(bytes, { file: 'fuzz/special tokens', own: [] }, () => splitOnSpecialTokens(text));
    if (!('value' in out)) return;
    expectValid(out.value.map((p) => p.text).join('') === text, 'special-token pieces do not rebuild the text');
    expectValid(out.value.every((p) => !p.special || (SPECIAL_TOKENS as readonly string[]).includes(p.text)), 'a piece marked special is not a special token');
  },
};
