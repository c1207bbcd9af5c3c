import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { initNode } from '@bamgpu/core/node';
import { BertMultiTask } from '@bamgpu/bert/node';
import { formatSubmission, submissionSplit } from '../glue/submission.js';
import type { GlueTaskSpec } from '../glue/task-spec.js';
import { predictedTestSplits } from '../glue/tasks.js';
import { writePickle, type PickleValue } from '../io/pickle.js';
import { scoreTask } from '../train/evaluate.js';
import { featurize } from '../train/features.js';
import { predict, type Prediction } from '../train/predict.js';
import { GlueFileNotFoundError, readSplit } from '../train/sources.js';
import { TRAIN_CONFIG_RULES } from '../train/validate-config.js';
import { makeDir, writeFileNamed } from '../io/fs-safe.js';
import { oneOf, positive, positiveInt } from '../settings/rules.js';
import type { TrainTask } from '../train/task.js';
import { parseArgs, usage, UsageError, type OptionSpec } from './args.js';
import { loadTasks, loadTokenizer } from './load.js';

const COMMON: OptionSpec[] = [
  { name: 'model', type: 'string', help: 'a model folder written by bam train (<out>/model)' },
  { name: 'data', type: 'string', help: 'a glue_data folder, or "synthetic"', default: 'synthetic' },
  { name: 'tasks', type: 'string', help: 'comma-separated tasks (default: every task the model has a head for)' },
  { name: 'scale', type: 'number', help: 'synthetic suite size', default: 1, rule: positive },
  { name: 'max-seq-length', type: 'number', help: 'tokens per example', default: 128, rule: TRAIN_CONFIG_RULES.maxSeqLength },
  { name: 'batch-size', type: 'number', help: 'examples per forward pass', default: 64, rule: positiveInt },
  { name: 'help', type: 'bool', help: 'show this help', default: false },
];

async function setup(o: Record<string, string | number | boolean | undefined>, command: string) {
  if (!o.model) throw new UsageError(`${command}: --model <folder> is required`);
  const rt = await initNode();
  console.log(`adapter: ${rt.adapter.description || rt.adapter.device}`);
  const model = await BertMultiTask.fromPretrained(String(o.model), { warn: false });
  // A trained model folder holds every weight; predicting with random ones would be silently wrong.
  const missing = model.loadReport?.missing ?? [];
  if (missing.length > 0) {
    model.dispose();
    throw new Error(`${command}: ${o.model} lacks ${missing.length} weight(s) the model needs (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}); is it a folder written by bam train?`);
  }
  model.eval();
  const names = o.tasks ? String(o.tasks).split(',').map((s) => s.trim()) : model.tasks.map((t) => t.name);
  for (const n of names) {
    if (!model.tasks.some((t) => t.name === n)) throw new UsageError(`${command}: the model has no head for "${n}"; it has ${model.tasks.map((t) => t.name).join(', ')}`);
  }
  const { tasks, vocabTxt } = await loadTasks(String(o.data), names, { scale: Number(o.scale) });
  const tokenizer = await loadTokenizer(String(o.model), vocabTxt);
  return { model, tasks, tokenizer };
}

/** `bam eval`: dev metrics of a trained model. */
export async function evalCommand(argv: readonly string[]): Promise<void> {
  const { options: o } = parseArgs(argv, COMMON, 'bam eval');
  if (o.help) return void console.log(usage('bam eval --model <dir> [options]', 'Dev-set metrics of a trained model.', COMMON));
  const { model, tasks, tokenizer } = await setup(o, 'bam eval');
  const all: Record<string, unknown> = {};
  for (const [i, task] of tasks.entries()) {
    const feats = featurize(task, i, task.dev, tokenizer, Number(o['max-seq-length']), { where: `${task.name} dev` });
    const preds = await predict(model, task.name, feats, Number(o['batch-size']), task.kind === 'regression');
    all[task.name] = scoreTask(task, feats, preds);
    console.log(`${task.name}: ${Object.entries(all[task.name] as Record<string, number>).map(([k, v]) => `${k} ${(100 * v).toFixed(2)}`).join('  ')}`);
  }
  model.dispose();
}

const PREDICT_SPECS: OptionSpec[] = [
  { name: 'out', type: 'string', help: 'folder for <task>_<split>_predictions.pkl and GLUE submission TSVs' },
  { name: 'split', type: 'string', help: 'dev or test', default: 'test', rule: oneOf(['dev', 'test']) },
  ...COMMON,
];

function labelOf(task: TrainTask, p: Prediction): string | number {
  if (task.kind === 'regression') {
    const [lo, hi] = task.range!;
    return lo + (p as number) * (hi - lo); // back from the scaled training space
  }
  const l = p as number[];
  return task.labels![l.indexOf(Math.max(...l))];
}

/**
 * `bam predict`: a model's predictions on a split, as pickles keyed by
 * example id and, for GLUE test splits, as leaderboard submission files.
 */
export async function predictCommand(argv: readonly string[]): Promise<void> {
  const { options: o } = parseArgs(argv, PREDICT_SPECS, 'bam predict');
  if (o.help) return void console.log(usage('bam predict --model <dir> --out <dir> [options]', 'Predictions on a split; GLUE submission files for test splits.', PREDICT_SPECS));
  if (!o.out) throw new UsageError('bam predict: --out <dir> is required');
  const out = String(o.out);
  await makeDir(out);
  const { model, tasks, tokenizer } = await setup(o, 'bam predict');
  const write = async (name: string, data: string | Uint8Array) => {
    const tmp = join(out, `${name}.tmp-${process.pid}`);
    await writeFileNamed(tmp, data);
    await rename(tmp, join(out, name));
  };
  for (const [i, task] of tasks.entries()) {
    // `source`: the task whose layout and submission file the rows have (AX for MNLI's diagnostic set).
    const splits: { name: string; examples: TrainTask['dev']; source?: { task: GlueTaskSpec; split: string } }[] = [];
    if (o.split === 'dev') splits.push({ name: 'dev', examples: task.dev });
    else if (o.data === 'synthetic') splits.push({ name: 'test', examples: task.test });
    else for (const s of predictedTestSplits(task.name)) {
      try {
        splits.push({ name: s.name, examples: await readSplit(String(o.data), s.source, s.split), source: { task: s.source, split: s.split } });
      } catch (e) {
        // Only a missing file is skipped: a malformed one is an error, not an absent split.
        if (!(e instanceof GlueFileNotFoundError)) throw e;
        console.log(`${task.name}: no ${s.name} file, skipped`);
      }
    }
    for (const s of splits) {
      const feats = featurize(task, i, s.examples, tokenizer, Number(o['max-seq-length']), { labelled: false });
      const preds = await predict(model, task.name, feats, Number(o['batch-size']), task.kind === 'regression');
      const byId = new Map<PickleValue, PickleValue>();
      feats.forEach((f, k) => byId.set(f.eid, preds[k]));
      await write(`${task.name}_${s.name}_predictions.pkl`, writePickle(byId));
      if (s.source) {
        // Leaderboard file of the split (MNLI's diagnostic predictions become AX.tsv).
        const rows = s.examples.map((ex, k) => ({ id: ex.id, prediction: labelOf(task, preds[k]) }));
        const text = formatSubmission(s.source.task, s.source.split, rows);
        const file = submissionSplit(s.source.task, s.source.split).submissionFile;
        await write(file, text);
        console.log(`${task.name} ${s.name}: ${rows.length} predictions → ${join(out, file)}`);
      } else console.log(`${task.name} ${s.name}: ${feats.length} predictions → ${join(out, `${task.name}_${s.name}_predictions.pkl`)}`);
    }
  }
  model.dispose();
}
