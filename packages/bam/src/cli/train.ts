import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { initNode } from '@bamgpu/core/node';
import { writeFileNamed } from '../io/fs-safe.js';
import { checkExistingCheckpoint } from '../train/checkpoint.js';
import { positiveInt } from '../settings/rules.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../train/config.js';
import { lockOutputDir } from '../train/output-lock.js';
import { predictTrainSets, writeTrainPredictions } from '../train/predictions.js';
import { readTeacherPredictions, teacherPredictionsPath, type TeacherPredictions } from '../train/teachers.js';
import { train } from '../train/trainer.js';
import { validateTrainConfig } from '../train/validate-config.js';
import { parseArgs, usage, UsageError, type OptionSpec, type Parsed } from './args.js';
import { hasWeights, loadTasks, loadTokenizer, tinyConfig } from './load.js';
import { TRAIN_OPTION_SPECS, applyTrainFlags, parseTargets, readConfigFile } from './train-options.js';

const SPECS: OptionSpec[] = [
  { name: 'out', type: 'string', help: 'output folder (model/, metrics.jsonl, dev_results.json, outputs/, checkpoint/)' },
  ...TRAIN_OPTION_SPECS,
  { name: 'resume', type: 'bool', help: 'continue from <out>/checkpoint if present', default: false },
  { name: 'overwrite', type: 'bool', help: 'start afresh, replacing a checkpoint already in <out>', default: false },
  { name: 'allow-missing-weights', type: 'bool', help: 'with --model: start even if the checkpoint lacks encoder weights', default: false },
  { name: 'stop-after', type: 'number', help: 'stop after N steps, leaving a checkpoint (the schedule keeps the full length)', rule: positiveInt },
  { name: 'help', type: 'bool', help: 'show this help', default: false },
];

/**
 * `bam train`: one training run (a single-task teacher, a multi-task model,
 * or a distilled student), then dev evaluation and the model's predictions
 * on its own training sets, so it can teach a later student.
 */
export async function trainCommand(argv: readonly string[]): Promise<void> {
  const { options: o } = parseArgs(argv, SPECS, 'bam train');
  if (o.help) {
    console.log(usage('bam train --out <dir> [options]', 'Trains one model (teacher, multi-task model or distilled student) and evaluates it.', SPECS));
    return;
  }
  if (!o.out) throw new UsageError('bam train: --out <dir> is required');
  const out = String(o.out);
  // Settings and the output folder are checked before the GPU is touched:
  // a bad value or an unusable folder ends here, with nothing written.
  const fileCfg = o.config ? await readConfigFile(String(o.config)) : {};
  const base = applyTrainFlags({ ...DEFAULT_TRAIN_CONFIG, ...fileCfg }, o);
  const targets = o.targets ? parseTargets(String(o.targets)) : fileCfg.targets ?? { kind: 'gold' as const };
  const release = await lockOutputDir(out);
  try {
    await checkExistingCheckpoint(out, { resume: Boolean(o.resume), overwrite: Boolean(o.overwrite) });
    await trainInto(out, o, fileCfg, base, targets);
  } finally {
    await release();
  }
}

async function trainInto(
  out: string,
  o: Parsed['options'],
  fileCfg: Partial<TrainConfig>,
  base: Omit<TrainConfig, 'init' | 'targets'>,
  targets: TrainConfig['targets'],
): Promise<void> {
  const names = o.tasks ? String(o.tasks).split(',').map((s) => s.trim()).filter(Boolean) : null;
  const { tasks, vocabTxt } = await loadTasks(String(o.data), names, { scale: Number(o.scale), seed: o.seed === undefined ? 0 : Number(o.seed) });
  const modelDir = o.model ? String(o.model) : undefined;
  const tokenizer = await loadTokenizer(modelDir, vocabTxt);
  let init: TrainConfig['init'];
  if (modelDir) {
    if (!(await hasWeights(modelDir))) throw new UsageError(`--model ${modelDir}: no model.safetensors (or sharded index) in that folder`);
    init = { pretrained: modelDir };
  } else init = { config: tinyConfig(tokenizer.vocabSize, Number(o.hidden), Number(o.layers)) };
  const teachers = new Map<string, { predictions: TeacherPredictions; source: string }>();
  if (o.teachers) {
    for (const pair of String(o.teachers).split(',')) {
      const [task, dir] = pair.split('=');
      if (!task || !dir) throw new UsageError(`--teachers expects task=dir pairs, got "${pair}"`);
      const path = teacherPredictionsPath(dir, task);
      teachers.set(task, { predictions: await readTeacherPredictions(path, task), source: path });
    }
  }
  const config: TrainConfig = {
    ...base,
    init,
    targets,
    outputDir: out,
    resume: Boolean(o.resume),
    overwrite: Boolean(o.overwrite),
    allowMissingWeights: Boolean(o['allow-missing-weights']),
    stopAfter: o['stop-after'] === undefined ? fileCfg.stopAfter : Number(o['stop-after']),
  };
  validateTrainConfig(config);
  const rt = await initNode();
  console.log(`adapter: ${rt.adapter.description || rt.adapter.device}`);
  const r = await train({ tasks, tokenizer, config, teachers });
  if (r.steps < r.totalSteps) {
    console.log(`stopped after step ${r.steps} of ${r.totalSteps}; continue with --resume`);
    r.model.dispose();
    return;
  }
  r.model.assets.set('vocab.txt', [...Array(tokenizer.vocabSize).keys()].map((i) => tokenizer.convertIdsToTokens([i])[0]).join('\n') + '\n');
  await r.model.save(join(out, 'model'));
  const preds = await predictTrainSets(r.model, tasks, r.trainFeatures, config.evalBatchSize);
  await writeTrainPredictions(out, preds);
  const tmp = join(out, `dev_results.json.tmp-${process.pid}`);
  await writeFileNamed(tmp, JSON.stringify(r.dev, null, 1));
  await rename(tmp, join(out, 'dev_results.json'));
  console.log(`dev: ${JSON.stringify(r.dev)}`);
  console.log(`wrote ${out}/model, ${out}/dev_results.json, ${out}/metrics.jsonl, ${out}/outputs/*_train_predictions_1.pkl`);
  r.model.dispose();
}
