import { toFloat32, type Generator, type Module, type Runtime, type SafetensorEntry } from '@bamgpu/core';
import { bertConfigToText, type BertConfig } from '../config.js';
import type { BertBuildOptions } from '../model/options.js';
import { CONFIG_FILE, WEIGHTS_FILE, readBertFolder } from './folder.js';
import { CheckpointError } from './errors.js';
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
 * `options.tied` names checkpoint tensors that repeat a parameter under a
 * second name (see {@link resolveTied}).
 * A string `dir` is a local path (needs "@bamgpu/bert/node").
 */
export async function loadPretrained<M extends Module>(
  dir: string | FolderReader,
  kind: string,
  build: (config: BertConfig, options: BertBuildOptions) => M,
  options: FromPretrainedOptions & { tied?: Readonly<Record<string, string>> } = {},
): Promise<Loaded<M>> {
  const folder = openReader(dir);
  const contents = await readBertFolder(folder);
  const model = build(contents.config, { runtime: options.device, generator: options.generator });
  let report: LoadReport;
  try {
    report = loadWeights(model, resolveTied(contents.tensors, options.tied ?? {}, folder.location), folder.location);
  } catch (err) {
    model.dispose(); // a bad checkpoint must not leak the half-built model's GPU memory
    throw err;
  }
  const warn = options.warn === undefined ? (m: string) => console.warn(m) : options.warn;
  const text = notice(kind, report);
  if (warn && text) warn(text);
  return { model, config: contents.config, report, assets: contents.assets };
}

function sameValues(a: SafetensorEntry, b: SafetensorEntry): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  const x = toFloat32(a);
  const y = toFloat32(b);
  return x.every((v, i) => Object.is(v, y[i]));
}

/**
 * Tied weights: `tied` maps an alias (a checkpoint name such as
 * `cls.predictions.decoder.weight`) to the parameter it is the same tensor
 * as. transformers writes the alias in some folders and not in others, so it
 * is never loaded nor reported: where both are stored they must hold the same
 * values (else the file is of an untied model, which the architecture cannot
 * represent, and loading throws); where only the alias is stored, it is
 * loaded as its parameter, as transformers' shared tensor would be.
 */
export function resolveTied(tensors: ReadonlyMap<string, SafetensorEntry>, tied: Readonly<Record<string, string>>, source: string): Map<string, SafetensorEntry> {
  const out = new Map(tensors);
  for (const [alias, target] of Object.entries(tied)) {
    const copy = out.get(alias);
    if (!copy) continue;
    out.delete(alias);
    // The target may be stored without the `bert.` prefix, as the name matcher allows.
    const stored = [target, target.replace(/^bert\./, '')].find((n) => out.has(n));
    if (stored === undefined) out.set(target, copy);
    else if (!sameValues(copy, out.get(stored)!)) {
      throw new CheckpointError(`${source}: "${alias}" is tied to "${stored}" but holds different values; a checkpoint with an untied ${alias} is not supported`);
    }
  }
  return out;
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
