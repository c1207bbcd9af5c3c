import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../../packages/bert/src/checkpoint/errors.js';
import { BertConfigError, MAX_NUM_LABELS, parseBertConfigText } from '../../../packages/bert/src/config.js';
import { HparamsError, referenceDefaults, resolveReferenceHparams } from '../../../packages/bam/src/cli/reference-hparams.js';
import { ResultsFormatError, parseExperimentResults } from '../../../packages/bam/src/experiment/compare.js';
import { parseOptimizerSteps } from '../../../packages/bam/src/train/checkpoint.js';
import { parseTrainerState } from '../../../packages/bam/src/train/trainer-state.js';
import { expectValid, runCase, type FuzzTarget } from '../harness.js';
import { decodeText, fieldMutationsOf, inputsFrom } from '../mutate.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const CONFIG_FILE = 'fuzz/config.json';
const configFixture = readFileSync(join(import.meta.dirname, '../../../packages/bert/test/fixtures/reference/tiny-a/config.json'), 'utf8');
const configJson = JSON.parse(configFixture) as Record<string, unknown>;

export const bertConfigTarget: FuzzTarget = {
  name: 'config-json',
  input: inputsFrom([utf8(configFixture)], fieldMutationsOf(configJson, [...Object.keys(configJson), 'num_labels', 'id2label.0', 'id2label.1', 'label2id', 'model_type'])),
  check(bytes) {
    const out = runCase(bytes, { file: CONFIG_FILE, own: [BertConfigError], where: /: ("[a-z_0-9]+"|invalid JSON|missing required key|expected a JSON object)/ }, () =>
      parseBertConfigText(decodeText(bytes), CONFIG_FILE),
    );
    if (!('value' in out)) return;
    const c = out.value;
    for (const k of ['vocabSize', 'hiddenSize', 'numHiddenLayers', 'numAttentionHeads', 'intermediateSize', 'maxPositionEmbeddings', 'typeVocabSize'] as const) {
      expectValid(Number.isInteger(c[k]) && c[k] > 0, `${CONFIG_FILE}: ${k} = ${c[k]} accepted`);
    }
    expectValid(c.hiddenSize % c.numAttentionHeads === 0, `${CONFIG_FILE}: heads do not divide hidden size`);
    expectValid(c.numLabels === c.id2label.length && c.numLabels >= 1 && c.numLabels <= MAX_NUM_LABELS, `${CONFIG_FILE}: ${c.numLabels} labels accepted`);
    expectValid(c.hiddenDropoutProb >= 0 && c.hiddenDropoutProb < 1 && c.layerNormEps > 0, `${CONFIG_FILE}: dropout or eps out of range`);
  },
};

const STATE_FILE = 'fuzz/checkpoint/trainer_state.json';
const STATE = {
  step: 40,
  totalSteps: 300,
  mixer: { rng: 123456789, cursors: [3, 0], epochs: [1, 2] },
  generator: { seed: 42, calls: 17 },
  configKey: '{"tasks":["rte"]}',
  history: [{ type: 'start', totalSteps: 300 }, { type: 'step', step: 20, loss: 0.69 }],
};
const STATE_FIELDS = ['step', 'totalSteps', 'mixer', 'mixer.rng', 'mixer.cursors', 'mixer.epochs', 'generator', 'generator.seed', 'generator.calls', 'configKey', 'history'];

export const trainerStateTarget: FuzzTarget = {
  name: 'trainer-state',
  input: inputsFrom([utf8(JSON.stringify(STATE))], fieldMutationsOf(STATE, STATE_FIELDS)),
  check(bytes) {
    const out = runCase(bytes, { file: STATE_FILE, own: [CheckpointError], where: /trainer state( "[\w.]+"| is not a JSON object|, not valid JSON)/ }, () =>
      parseTrainerState(decodeText(bytes), STATE_FILE),
    );
    if (!('value' in out)) return;
    const s = out.value;
    expectValid(isCount(s.step) && isCount(s.totalSteps) && s.step <= s.totalSteps, `${STATE_FILE}: step ${s.step} of ${s.totalSteps} accepted`);
    expectValid(isCount(s.mixer.rng) && s.mixer.rng <= 0xffffffff && s.mixer.cursors.every(isCount) && s.mixer.epochs.every(isCount), `${STATE_FILE}: mixer accepted`);
    expectValid(Number.isSafeInteger(s.generator.seed) && isCount(s.generator.calls), `${STATE_FILE}: generator accepted`);
    expectValid(typeof s.configKey === 'string' && Array.isArray(s.history), `${STATE_FILE}: configKey or history accepted`);
  },
};

const OPTIM_FILE = 'fuzz/checkpoint/optimizer.safetensors';
const STEPS = { 'bert.embeddings.word_embeddings.weight': 40, 'classifier.bias': 40 };

/** The optimizer file's "steps" metadata: parameter name → steps taken. */
export const optimizerStepsTarget: FuzzTarget = {
  name: 'optimizer-steps',
  input: inputsFrom([utf8(JSON.stringify(STEPS))], fieldMutationsOf(STEPS, [...Object.keys(STEPS), '__proto__'])),
  check(bytes) {
    const out = runCase(bytes, { file: OPTIM_FILE, own: [CheckpointError], where: /metadata "steps"/ }, () => parseOptimizerSteps(decodeText(bytes), OPTIM_FILE));
    if (!('value' in out)) return;
    expectValid(Object.getPrototypeOf(out.value) === Object.prototype && Object.values(out.value).every(isCount), `${OPTIM_FILE}: steps accepted`);
  },
};

const HPARAMS = { task_names: ['rte', 'mrpc'], distill: true, teachers: { rte: 'rte-model', mrpc: 'mrpc-model' }, learning_rate: 1e-4, debug: false, tpu_name: null };
const HPARAM_FIELDS = [...Object.keys(referenceDefaults('m')), 'teachers.rte', 'task_names.0', 'unknown_key'];

export const hparamsTarget: FuzzTarget = {
  name: 'hparams',
  input: inputsFrom([utf8(JSON.stringify(HPARAMS)), utf8('{"task_names": ["rte"], "debug": true}')], fieldMutationsOf(HPARAMS, HPARAM_FIELDS)),
  check(bytes) {
    const out = runCase(bytes, { file: 'hparams', own: [HparamsError], where: /^hparams( "(?:[^"\\]|\\.)*")?: / }, () => resolveReferenceHparams('m', decodeText(bytes)));
    if (!('value' in out)) return;
    const h = out.value;
    const defaults = referenceDefaults('m');
    for (const [k, d] of Object.entries(defaults)) {
      const v = (h as unknown as Record<string, unknown>)[k];
      const same = d === null ? v === null || typeof v === 'string' : Array.isArray(d) ? Array.isArray(v) : typeof v === typeof d;
      expectValid(same, `hparams: "${k}" = ${JSON.stringify(v)} accepted`);
    }
    expectValid(h.task_names.length > 0 && h.task_names.every((t) => typeof t === 'string'), 'hparams: task_names accepted');
    if (h.distill) expectValid(h.task_names.every((t) => typeof h.teachers[t] === 'string'), 'hparams: distill without a teacher accepted');
  },
};

const RESULTS_FILE = 'fuzz/results.json';
const RESULTS = {
  dataSeed: 0,
  tasks: ['syn-sentiment', 'syn-similarity'],
  metricOf: { 'syn-sentiment': 'accuracy', 'syn-similarity': 'pearson' },
  runs: [
    { method: 'multi', seed: 0, dev: { 'syn-sentiment': { accuracy: 0.6 }, 'syn-similarity': { pearson: 0.4 } } },
    { method: 'bam', seed: 0, dev: { 'syn-sentiment': { accuracy: 0.7 }, 'syn-similarity': { pearson: 0.5 } } },
  ],
};
const RESULTS_FIELDS = ['dataSeed', 'tasks', 'tasks.0', 'metricOf', 'metricOf.syn-sentiment', 'runs', 'runs.0', 'runs.0.seed', 'runs.0.method', 'runs.1.dev', 'runs.1.dev.syn-similarity.pearson'];

/** `bam compare`'s reader of experiment results. */
export const experimentResultsTarget: FuzzTarget = {
  name: 'experiment-results',
  input: inputsFrom([utf8(JSON.stringify(RESULTS))], fieldMutationsOf(RESULTS, RESULTS_FIELDS)),
  check(bytes) {
    const out = runCase(bytes, { file: RESULTS_FILE, own: [ResultsFormatError], where: /: (not JSON|not a JSON object|"tasks"|"metricOf"|"runs"|runs\[\d+\])/ }, () =>
      parseExperimentResults(decodeText(bytes), RESULTS_FILE),
    );
    if (!('value' in out)) return;
    const r = out.value;
    expectValid(r.tasks.length > 0 && r.tasks.every((t) => typeof r.metricOf[t] === 'string'), `${RESULTS_FILE}: tasks without metrics accepted`);
    for (const run of r.runs) {
      expectValid(typeof run.method === 'string' && Number.isSafeInteger(run.seed), `${RESULTS_FILE}: run ${JSON.stringify(run.method)} accepted`);
      expectValid(r.tasks.every((t) => Number.isFinite(run.dev[t][r.metricOf[t]])), `${RESULTS_FILE}: a run without a finite score accepted`);
    }
  },
};
