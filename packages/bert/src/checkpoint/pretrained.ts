import type { Generator, Module, Runtime } from '@bamgpu/core';
import { bertConfigToText, type BertConfig } from '../config.js';
import type { BertBuildOptions } from '../model/options.js';
import { CONFIG_FILE, WEIGHTS_FILE, readBertFolder } from './folder.js';
import { openReader, openWriter, type FolderReader, type FolderWriter } from './folder-io.js';
import { loadWeights, type LoadReport } from './load-weights.js';
import { serializeWeights } from './save-weights.js';

export interface FromPretrainedOptions {
  /** GPU runtime for the weights (default: the one from init()). */
  device?: Runtime;
  /** Random stream for parameters the checkpoint lacks and for dropout. */
  generator?: Generator;
  /**
   * Where the missing/unexpected-weights notice goes: a function, or false
   * for none. Default console.warn, as transformers logs it.
   */
  warn?: false | ((message: string) => void);
}

export interface Loaded<M> {
  model: M;
  config: BertConfig;
  report: LoadReport;
  /** Tokenizer files found in the folder (vocab.txt, …), by file name. */
  assets: Map<string, string>;
}

function notice(kind: string, report: LoadReport): string {
  const lines: string[] = [];
  if (report.missing.length > 0) {
    lines.push(`Some weights of ${kind} were not in the checkpoint at ${report.source} and are newly initialised: ${report.missing.join(', ')}`);
  }
  if (report.unexpected.length > 0) {
    lines.push(`Some weights of the checkpoint at ${report.source} were not used by ${kind}: ${report.unexpected.join(', ')}`);
  }
  return lines.join('\n');
}

/**
 * Builds a model from a folder's config.json (randomly initialised as BERT
 * does) and loads the folder's weights into it. `build` makes the model;
 * parameters the checkpoint lacks keep their init and are reported.
 * Tensors named in `options.ignore` (tied duplicates) are neither loaded nor reported.
 * A string `dir` is a local path (needs "@bamgpu/bert/node").
 */
export async function loadPretrained<M extends Module>(
  dir: string | FolderReader,
  kind: string,
  build: (config: BertConfig, options: BertBuildOptions) => M,
  options: FromPretrainedOptions & { ignore?: readonly string[] } = {},
): Promise<Loaded<M>> {
  const folder = openReader(dir);
  const contents = await readBertFolder(folder);
  const model = build(contents.config, { runtime: options.device, generator: options.generator });
  let report: LoadReport;
  try {
    const tensors = new Map(contents.tensors);
    for (const name of options.ignore ?? []) tensors.delete(name);
    report = loadWeights(model, tensors, folder.location);
  } catch (err) {
    model.dispose(); // a bad checkpoint must not leak the half-built model's GPU memory
    throw err;
  }
  const warn = options.warn === undefined ? (m: string) => console.warn(m) : options.warn;
  const text = notice(kind, report);
  if (warn && text) warn(text);
  return { model, config: contents.config, report, assets: contents.assets };
}

export interface SaveOptions {
  /** config.json keys to set besides the config's own (e.g. architectures). */
  configOverrides?: Record<string, unknown>;
  /** Extra text files to write (tokenizer files), by file name. */
  assets?: ReadonlyMap<string, string>;
}

/**
 * Writes a Hugging Face folder: config.json, model.safetensors (F32,
 * parameter names, {"format": "pt"}) and the given assets, each file
 * atomically. A string `dir` is a local path (needs "@bamgpu/bert/node").
 */
export async function savePretrained(dir: string | FolderWriter, model: Module, config: BertConfig, options: SaveOptions = {}): Promise<void> {
  const folder = openWriter(dir);
  const weights = await serializeWeights(model);
  await folder.write(WEIGHTS_FILE, weights);
  for (const [name, text] of options.assets ?? []) await folder.write(name, text);
  // config.json last: a first save cut short leaves no config.json, so the
  // half-written folder cannot be loaded as if it were complete.
  await folder.write(CONFIG_FILE, bertConfigToText(config, options.configOverrides));
}
