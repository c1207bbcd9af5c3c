/**
 * BERT's configuration, read from and written to Hugging Face `config.json`
 * (transformers' `BertConfig`). Only what changes the computation is
 * interpreted; every other key (architectures, torch_dtype, …) is kept in
 * `extra` so a load → save round trip preserves it.
 */

/** A config.json (or config object) that does not describe a BERT this package can run. */
export class BertConfigError extends Error {
  override name = 'BertConfigError';
}

export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  /** Only the exact erf GELU ("gelu") is supported. */
  hiddenAct: 'gelu';
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  /** Std of the normal init of Linear and Embedding weights. */
  initializerRange: number;
  layerNormEps: number;
  /** Row of the word embeddings that never gets a gradient (null: none). */
  padTokenId: number | null;
  /** Dropout before the classifier; null means hiddenDropoutProb (as Hugging Face does). */
  classifierDropout: number | null;
  /** Label names indexed by id; its length is numLabels. */
  id2label: readonly string[];
  /** 1 means regression (one output, mean squared error), as in Hugging Face. */
  numLabels: number;
  /** Hugging Face's problem_type, when the file sets it. */
  problemType: string | null;
  /** Keys of the source JSON this package does not interpret, written back on save. */
  extra: Readonly<Record<string, unknown>>;
}

/** Options for {@link bertConfig}: any field, in camelCase; the rest take Hugging Face's BertConfig defaults. */
export type BertConfigInit = Partial<Omit<BertConfig, 'extra' | 'hiddenAct' | 'id2label'>> & {
  hiddenAct?: string;
  /** Label names; sets numLabels when given. */
  labels?: readonly string[];
  extra?: Record<string, unknown>;
};

/** Hugging Face BertConfig defaults (bert-base-uncased), used for keys a config leaves out. */
const DEFAULTS = {
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
} as const;

/**
 * Keys that fix the architecture. A config.json must state them: a default
 * would silently build a bert-base-sized model around a smaller checkpoint.
 */
const REQUIRED_IN_FILE = [
  'vocab_size',
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'max_position_embeddings',
] as const;

/** Keys interpreted here; everything else goes to `extra`. */
const KNOWN_KEYS = new Set<string>([
  ...Object.keys(DEFAULTS),
  'classifier_dropout',
  'id2label',
  'label2id',
  'num_labels',
  'problem_type',
]);

type Json = Record<string, unknown>;

/**
 * Most labels a config may ask for without naming them: the default names
 * are allocated from num_labels, so an unchecked value (1e9, 1e300) would
 * allocate without bound. Far above any real classification task.
 */
export const MAX_NUM_LABELS = 100_000;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

class Reader {
  constructor(
    readonly json: Json,
    readonly source: string,
  ) {}

  fail(key: string, message: string): never {
    throw new BertConfigError(`${this.source}: "${key}" ${message}`);
  }

  value(key: string, fallback: unknown): unknown {
    return this.json[key] === undefined ? fallback : this.json[key];
  }

  positiveInt(key: keyof typeof DEFAULTS): number {
    const v = this.value(key, DEFAULTS[key]);
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) this.fail(key, `must be a positive integer, got ${show(v)}`);
    return v;
  }

  probability(key: string, fallback: number | null): number {
    const v = this.value(key, fallback);
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) this.fail(key, `must be a probability in [0, 1), got ${show(v)}`);
    return v;
  }

  positiveNumber(key: keyof typeof DEFAULTS): number {
    const v = this.value(key, DEFAULTS[key]);
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) this.fail(key, `must be a positive number, got ${show(v)}`);
    return v;
  }
}

/** id2label as an array: keys must be exactly "0".."n-1", values strings. */
function readLabels(r: Reader): string[] | undefined {
  const raw = r.json.id2label;
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) r.fail('id2label', `must be an object {"0": "name", …}, got ${show(raw)}`);
  const n = Object.keys(raw).length;
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = raw[String(i)];
    if (typeof name !== 'string') {
      r.fail('id2label', `must map every id 0..${n - 1} to a label name; id "${i}" maps to ${show(name)} (keys: ${Object.keys(raw).join(', ')})`);
    }
    labels.push(name);
  }
  return labels;
}

function checkLabel2id(r: Reader, labels: readonly string[]): void {
  const raw = r.json.label2id;
  if (raw === undefined || raw === null) return;
  if (!isObject(raw)) r.fail('label2id', `must be an object {"name": id, …}, got ${show(raw)}`);
  for (const [name, id] of Object.entries(raw)) {
    if (typeof id !== 'number' || labels[id] !== name) {
      r.fail('label2id', `maps "${name}" to ${show(id)}, but id2label ${typeof id === 'number' && labels[id] !== undefined ? `names id ${id} "${labels[id]}"` : 'has no such id'}`);
    }
  }
}

function readNumLabels(r: Reader): string[] {
  const fromMap = readLabels(r);
  const raw = r.json.num_labels;
  if (raw !== undefined && (typeof raw !== 'number' || !Number.isInteger(raw) || raw <= 0 || raw > MAX_NUM_LABELS)) {
    r.fail('num_labels', `must be a positive integer up to ${MAX_NUM_LABELS}, got ${show(raw)}`);
  }
  if (fromMap) {
    if (fromMap.length === 0) r.fail('id2label', 'is empty; a classifier needs at least one label');
    if (raw !== undefined && raw !== fromMap.length) r.fail('num_labels', `is ${raw} but id2label has ${fromMap.length} labels`);
    checkLabel2id(r, fromMap);
    return fromMap;
  }
  // Hugging Face's default: two labels named LABEL_0, LABEL_1.
  const n = (raw as number | undefined) ?? 2;
  return Array.from({ length: n }, (_, i) => `LABEL_${i}`);
}

/**
 * Validates a parsed Hugging Face config.json object. `source` (the file's
 * path) starts every error message, which also names the offending key.
 */
export function parseBertConfig(json: unknown, source = 'config'): BertConfig {
  if (!isObject(json)) throw new BertConfigError(`${source}: expected a JSON object, got ${Array.isArray(json) ? 'an array' : show(json)}`);
  const r: Reader = new Reader(json, source);
  if (json.model_type !== undefined && json.model_type !== 'bert') {
    r.fail('model_type', `is ${show(json.model_type)}; only "bert" models are supported`);
  }
  const posType = json.position_embedding_type;
  if (posType !== undefined && posType !== null && posType !== 'absolute') {
    r.fail('position_embedding_type', `is ${show(posType)}; only "absolute" position embeddings are supported`);
  }
  const act = r.value('hidden_act', DEFAULTS.hidden_act);
  if (act !== 'gelu') {
    r.fail('hidden_act', `is ${show(act)}; only "gelu" (the exact erf GELU) is supported`);
  }

  const hiddenSize = r.positiveInt('hidden_size');
  const numAttentionHeads = r.positiveInt('num_attention_heads');
  if (hiddenSize % numAttentionHeads !== 0) {
    r.fail('num_attention_heads', `(${numAttentionHeads}) must divide hidden_size (${hiddenSize})`);
  }
  const vocabSize = r.positiveInt('vocab_size');
  const rawPad = r.value('pad_token_id', DEFAULTS.pad_token_id);
  if (rawPad !== null && (typeof rawPad !== 'number' || !Number.isInteger(rawPad) || rawPad < 0 || rawPad >= vocabSize)) {
    r.fail('pad_token_id', `must be null or an integer in [0, vocab_size = ${vocabSize}), got ${show(rawPad)}`);
  }
  const rawClsDrop = json.classifier_dropout;
  const classifierDropout = rawClsDrop === undefined || rawClsDrop === null ? null : r.probability('classifier_dropout', null);
  const rawProblem = json.problem_type;
  if (rawProblem !== undefined && rawProblem !== null && typeof rawProblem !== 'string') {
    r.fail('problem_type', `must be a string or null, got ${show(rawProblem)}`);
  }
  const rawRange = r.value('initializer_range', DEFAULTS.initializer_range);
  if (typeof rawRange !== 'number' || !Number.isFinite(rawRange) || rawRange < 0) {
    r.fail('initializer_range', `must be a non-negative number, got ${show(rawRange)}`);
  }
  const initializerRange: number = rawRange;
  const labels = readNumLabels(r);

  const extra: Json = {};
  for (const [k, v] of Object.entries(json)) if (!KNOWN_KEYS.has(k)) extra[k] = v;

  return {
    vocabSize,
    hiddenSize,
    numHiddenLayers: r.positiveInt('num_hidden_layers'),
    numAttentionHeads,
    intermediateSize: r.positiveInt('intermediate_size'),
    hiddenAct: 'gelu',
    hiddenDropoutProb: r.probability('hidden_dropout_prob', DEFAULTS.hidden_dropout_prob),
    attentionProbsDropoutProb: r.probability('attention_probs_dropout_prob', DEFAULTS.attention_probs_dropout_prob),
    maxPositionEmbeddings: r.positiveInt('max_position_embeddings'),
    typeVocabSize: r.positiveInt('type_vocab_size'),
    initializerRange,
    layerNormEps: r.positiveNumber('layer_norm_eps'),
    padTokenId: rawPad as number | null,
    classifierDropout,
    id2label: labels,
    numLabels: labels.length,
    problemType: (rawProblem as string | null | undefined) ?? null,
    extra,
  };
}

/** Parses config.json text; `path` names the file in errors. Architecture keys must be present. */
export function parseBertConfigText(text: string, path: string): BertConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BertConfigError(`${path}: invalid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (isObject(json)) {
    const absent = REQUIRED_IN_FILE.filter((k) => json[k] === undefined);
    if (absent.length > 0) throw new BertConfigError(`${path}: missing required key${absent.length > 1 ? 's' : ''} ${absent.map((k) => `"${k}"`).join(', ')}`);
  }
  return parseBertConfig(json, path);
}

/**
 * A validated config from camelCase fields, every one optional (Hugging
 * Face's bert-base defaults), e.g. `bertConfig({ hiddenSize: 128, numHiddenLayers: 2, labels: ['neg', 'pos'] })`.
 */
export function bertConfig(init: BertConfigInit = {}): BertConfig {
  const json: Json = { ...DEFAULTS, ...(init.extra ?? {}) };
  const set = (key: string, v: unknown) => {
    if (v !== undefined) json[key] = v;
  };
  set('vocab_size', init.vocabSize);
  set('hidden_size', init.hiddenSize);
  set('num_hidden_layers', init.numHiddenLayers);
  set('num_attention_heads', init.numAttentionHeads);
  set('intermediate_size', init.intermediateSize);
  set('hidden_act', init.hiddenAct);
  set('hidden_dropout_prob', init.hiddenDropoutProb);
  set('attention_probs_dropout_prob', init.attentionProbsDropoutProb);
  set('max_position_embeddings', init.maxPositionEmbeddings);
  set('type_vocab_size', init.typeVocabSize);
  set('initializer_range', init.initializerRange);
  set('layer_norm_eps', init.layerNormEps);
  set('pad_token_id', init.padTokenId);
  set('classifier_dropout', init.classifierDropout);
  set('problem_type', init.problemType);
  set('num_labels', init.numLabels);
  if (init.labels) json.id2label = Object.fromEntries(init.labels.map((l, i) => [String(i), l]));
  return parseBertConfig(json, 'bertConfig()');
}

/**
 * The config as Hugging Face config.json content (snake_case keys, sorted as
 * `save_pretrained` writes them). Keys from `extra` are kept, then the
 * interpreted fields overwrite theirs.
 */
export function bertConfigToJson(config: BertConfig, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const json: Json = {
    ...config.extra,
    model_type: 'bert',
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.numHiddenLayers,
    num_attention_heads: config.numAttentionHeads,
    intermediate_size: config.intermediateSize,
    hidden_act: config.hiddenAct,
    hidden_dropout_prob: config.hiddenDropoutProb,
    attention_probs_dropout_prob: config.attentionProbsDropoutProb,
    max_position_embeddings: config.maxPositionEmbeddings,
    type_vocab_size: config.typeVocabSize,
    initializer_range: config.initializerRange,
    layer_norm_eps: config.layerNormEps,
    pad_token_id: config.padTokenId,
    classifier_dropout: config.classifierDropout,
    id2label: Object.fromEntries(config.id2label.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(config.id2label.map((l, i) => [l, i])),
    position_embedding_type: 'absolute',
    ...(config.problemType !== null ? { problem_type: config.problemType } : {}),
    ...overrides,
  };
  return Object.fromEntries(Object.keys(json).sort().map((k) => [k, json[k]]));
}

/** config.json text: 2-space indent and a final newline, as `save_pretrained` writes it. */
export function bertConfigToText(config: BertConfig, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify(bertConfigToJson(config, overrides), null, 2) + '\n';
}

/** Size of one attention head. */
export function headDim(config: BertConfig): number {
  return config.hiddenSize / config.numAttentionHeads;
}
