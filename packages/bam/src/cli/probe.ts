import { initNode } from '@bamgpu/core/node';
import { BertModel, BertMultiTask } from '@bamgpu/bert/node';
import { encoderFeatures, linearProbe } from '../pretrain/probe.js';
import { surfaceFeatures } from '../pretrain/surface-features.js';
import { synonymProbe, type SynonymProbeRow } from '../pretrain/synonym-probe.js';
import { referenceLevels } from '../synthetic/levels.js';
import { headline } from '../train/evaluate.js';
import { featurize } from '../train/features.js';
import { numOutputs } from '../train/task.js';
import { nonNegative, nonNegativeInt, num, positive } from '../settings/rules.js';
import { parseArgs, usage, UsageError, type OptionSpec } from './args.js';
import { hasWeights, loadTasks, loadTokenizer } from './load.js';

const SPECS: OptionSpec[] = [
  { name: 'model', type: 'string', help: 'a Hugging Face BERT folder (e.g. <pretrain out>/model)' },
  { name: 'random', type: 'bool', help: 'also probe a randomly initialised encoder of the same shape, for comparison', default: true },
  { name: 'surface', type: 'bool', help: 'also probe the raw tokens alone (which words occur, and for pairs which differ), no encoder', default: true },
  { name: 'data', type: 'string', help: 'a glue_data folder, or "synthetic"', default: 'synthetic' },
  { name: 'tasks', type: 'string', help: 'comma-separated task names (default: all synthetic tasks)' },
  { name: 'scale', type: 'number', help: 'size of the synthetic suite', default: 1, rule: positive },
  { name: 'seed', type: 'number', help: 'seed of the synthetic suite', default: 0, rule: nonNegativeInt },
  { name: 'max-seq-length', type: 'number', help: 'tokens per example', default: 64, rule: num({ integer: true, min: 3 }) },
  { name: 'lambda', type: 'number', help: 'ridge penalty of the probe', default: 1, rule: nonNegative },
  { name: 'help', type: 'bool', help: 'show this help', default: false },
];

/**
 * `bam probe`: linear probes of an encoder's frozen features ([CLS] and
 * mean-pooled final states) for each task, fitted on train and scored on
 * dev, beside the same probe on a random encoder of the same shape and on
 * the raw tokens alone. A task a probe cannot read from pre-trained features
 * needs fine-tuning (or more pre-training) to supply it; one the tokens'
 * probe cannot read either may need more labelled examples than it has:
 * the questions to ask of a task that stays near chance.
 */
export async function probeCommand(argv: readonly string[]): Promise<void> {
  const { options: o } = parseArgs(argv, SPECS, 'bam probe');
  if (o.help) {
    console.log(usage('bam probe --model <dir> [options]', 'Linear probes of frozen encoder features, per task (dev scores).', SPECS));
    return;
  }
  if (!o.model) throw new UsageError('bam probe: --model <dir> is required');
  const dir = String(o.model);
  if (!(await hasWeights(dir))) throw new UsageError(`--model ${dir}: no model.safetensors (or sharded index) in that folder`);
  const names = o.tasks ? String(o.tasks).split(',').map((s) => s.trim()).filter(Boolean) : null;
  const rt = await initNode();
  console.log(`adapter: ${rt.adapter.description || rt.adapter.device}`);
  const { tasks, vocabTxt, suite } = await loadTasks(String(o.data), names, { scale: Number(o.scale), seed: Number(o.seed) });
  const tokenizer = await loadTokenizer(dir, vocabTxt);
  const specs = tasks.map((t) => ({ name: t.name, numLabels: numOutputs(t) }));
  const trained = await BertMultiTask.fromPretrained(dir, { tasks: specs, warn: false });
  const encoders: [string, BertModel][] = [['pre-trained', trained.bert]];
  let random: BertMultiTask | null = null;
  if (o.random) {
    random = BertMultiTask.fromConfig(trained.config, specs);
    encoders.push(['random init', random.bert]);
  }
  const maxLen = Number(o['max-seq-length']);
  console.log(`\nLinear probe of frozen features ([CLS] ‖ mean), ridge λ=${o.lambda}, dev ×100:\n`);
  // The synthetic suite knows each task's chance level and ceiling (docs/synthetic-glue.md §5): print them beside the probes.
  const levels = suite ? referenceLevels(suite) : null;
  console.log(['task', 'metric', ...encoders.map(([n]) => n), ...(o.surface ? ['tokens alone'] : []), ...(levels ? ['chance', 'ceiling'] : [])].join('\t'));
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i];
    const trainF = featurize(task, i, task.train, tokenizer, maxLen, { where: `${task.name} train` });
    const devF = featurize(task, i, task.dev, tokenizer, maxLen, { where: `${task.name} dev` });
    const cells: string[] = [];
    for (const [, bert] of encoders) {
      const train = { x: await encoderFeatures(bert, trainF, 128), f: trainF };
      const dev = { x: await encoderFeatures(bert, devF, 128), f: devF };
      cells.push((100 * headline(task, linearProbe(task, train, dev, Number(o.lambda)))).toFixed(1));
    }
    if (o.surface) {
      const x = surfaceFeatures(trainF, devF, task.isPair);
      cells.push((100 * headline(task, linearProbe(task, { x: x.train, f: trainF }, { x: x.dev, f: devF }, Number(o.lambda)))).toFixed(1));
    }
    const level = levels?.get(task.name);
    if (level) cells.push((100 * level.chance).toFixed(1), (100 * level.ceiling).toFixed(1));
    console.log([task.name, task.metrics[0], ...cells].join('\t'));
  }
  if (String(o.data) === 'synthetic') {
    console.log(`\nSynonyms in the word table: is a word's synonym its nearest neighbour (cosine of input embeddings)?\n`);
    console.log(['part of speech', 'pairs', ...encoders.map(([n]) => `${n}: nearest / MRR`), 'chance (nearest)'].join('\t'));
    const rows: SynonymProbeRow[][] = [];
    for (const [, bert] of encoders) {
      const table = (await bert.embeddings.word_embeddings.weight.data()) as Float32Array;
      rows.push(synonymProbe(table, trained.config.hiddenSize, (w) => tokenizer.convertTokensToIds([w])[0] === tokenizer.unkId ? -1 : tokenizer.convertTokensToIds([w])[0]));
    }
    rows[0].forEach((r, i) => {
      const cells = rows.map((rs) => `${(100 * rs[i].nearest).toFixed(0)}% / ${rs[i].meanReciprocalRank.toFixed(2)}`);
      console.log([r.partOfSpeech, r.pairs, ...cells, `${(100 * r.chance).toFixed(0)}%`].join('\t'));
    });
  }
  trained.dispose();
  random?.dispose();
}
