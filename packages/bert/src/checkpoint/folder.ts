import { parseBertConfigText, type BertConfig } from '../config.js';
import { CheckpointError } from './errors.js';
import { checkFileName, readText, type FolderReader } from './folder-io.js';
import { parseSafetensors, type SafetensorEntry } from '@bamgpu/core';

/** Tokenizer files carried along with a checkpoint, so a saved folder is complete. */
export const TOKENIZER_FILES = ['vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'] as const;

export const WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';
export const CONFIG_FILE = 'config.json';

/** A Hugging Face model folder read into memory. */
export interface BertFolder {
  config: BertConfig;
  /** Every tensor of the weights file(s), by checkpoint name. */
  tensors: Map<string, SafetensorEntry>;
  /** Text of the tokenizer files present (vocab.txt, …), by file name. */
  assets: Map<string, string>;
}

/**
 * Reads `config.json`, the weights (`model.safetensors`, or the shards listed
 * by `model.safetensors.index.json`) and any tokenizer files of a Hugging
 * Face folder. Errors name the file and what is wrong with it.
 */
export async function readBertFolder(folder: FolderReader): Promise<BertFolder> {
  const configText = await readText(folder, CONFIG_FILE);
  if (configText === undefined) throw new CheckpointError(`${folder.pathOf(CONFIG_FILE)} not found: a checkpoint folder needs config.json`);
  const config = parseBertConfigText(configText, folder.pathOf(CONFIG_FILE));
  const tensors = await readWeights(folder);
  const assets = new Map<string, string>();
  for (const name of TOKENIZER_FILES) {
    const text = await readText(folder, name);
    if (text !== undefined) assets.set(name, text);
  }
  return { config, tensors, assets };
}

async function readWeights(folder: FolderReader): Promise<Map<string, SafetensorEntry>> {
  const bytes = await folder.read(WEIGHTS_FILE);
  if (bytes !== undefined) return parseSafetensors(bytes, folder.pathOf(WEIGHTS_FILE)).tensors;
  const indexText = await readText(folder, WEIGHTS_INDEX_FILE);
  if (indexText !== undefined) return readShards(folder, indexText);
  const legacy = (await folder.has('pytorch_model.bin')) ? ' (pytorch_model.bin is not supported: convert it to safetensors first)' : '';
  throw new CheckpointError(`no weights in ${folder.location}: neither ${WEIGHTS_FILE} nor ${WEIGHTS_INDEX_FILE} exists${legacy}`);
}

/** The `weight_map` of a sharded checkpoint's index: tensor name → shard file name. */
function parseWeightMap(indexPath: string, text: string): Map<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CheckpointError(`${indexPath}: invalid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const map = typeof json === 'object' && json !== null ? (json as { weight_map?: unknown }).weight_map : undefined;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new CheckpointError(`${indexPath}: "weight_map" must be an object {tensor name: shard file}`);
  }
  const out = new Map<string, string>();
  for (const [name, file] of Object.entries(map)) {
    // Shards are plain file names inside the folder; anything path-like is refused.
    if (typeof file !== 'string') throw new CheckpointError(`${indexPath}: weight_map["${name}"] must be a file name, got ${JSON.stringify(file)}`);
    checkFileName(file, `${indexPath}: weight_map["${name}"]`);
    out.set(name, file);
  }
  return out;
}

async function readShards(folder: FolderReader, text: string): Promise<Map<string, SafetensorEntry>> {
  const indexPath = folder.pathOf(WEIGHTS_INDEX_FILE);
  const weightMap = parseWeightMap(indexPath, text);
  const tensors = new Map<string, SafetensorEntry>();
  const shardOf = new Map<string, string>();
  for (const file of new Set(weightMap.values())) {
    const bytes = await folder.read(file);
    if (bytes === undefined) throw new CheckpointError(`${folder.pathOf(file)} not found (listed in ${indexPath})`);
    for (const [name, entry] of parseSafetensors(bytes, folder.pathOf(file)).tensors) {
      const prior = shardOf.get(name);
      if (prior) throw new CheckpointError(`tensor "${name}" is in two shards: ${prior} and ${file}`);
      tensors.set(name, entry);
      shardOf.set(name, file);
    }
  }
  for (const [name, file] of weightMap) {
    const actual = shardOf.get(name);
    if (actual !== file) {
      throw new CheckpointError(`${indexPath} lists tensor "${name}" in ${file}, but ${actual ? `it is in ${actual}` : 'no shard holds it'}`);
    }
  }
  return tensors;
}
