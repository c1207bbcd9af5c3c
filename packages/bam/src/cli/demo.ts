import { join } from 'node:path';
import { formatProfile } from '@bamgpu/core';
import { initNode } from '@bamgpu/core/node';
import { DEMO_RECIPES, type DemoRecipe, type DemoRecipeName } from '../experiment/demo-recipe.js';
import { runDemoPipeline } from '../experiment/demo-pipeline.js';
import { comparePaired, experimentRecord, formatComparison, type ExperimentRecord } from '../experiment/compare.js';
import { formatTable } from '../experiment/experiment.js';
import { ALL_METHODS, methodList, parseMethods } from '../experiment/methods.js';
import { fmtTime } from '../train/progress.js';
import { nonNegativeInt, num, oneOf, positive, positiveInt } from '../settings/rules.js';
import { parseArgs, usage, type OptionSpec, type Parsed } from './args.js';
import { corpusVersionOption } from './corpus-version.js';

const RECIPE_NAMES = Object.keys(DEMO_RECIPES) as DemoRecipeName[];

/** An option that sets one field of the recipe: unset, it takes the named recipe's value, which its help lists. */
function recipeOption(key: keyof DemoRecipe, spec: OptionSpec): OptionSpec & { key: keyof DemoRecipe } {
  const values = RECIPE_NAMES.map((n) => DEMO_RECIPES[n][key]);
  const defaults = values.every((v) => v === values[0]) ? `${values[0]}` : RECIPE_NAMES.map((n, i) => `${values[i]} with ${n}`).join(', ');
  return { ...spec, default: undefined, help: `${spec.help} (default: ${defaults})`, key };
}

const RECIPE_OPTIONS = [
  recipeOption('scale', { name: 'scale', type: 'number', help: 'size of the synthetic suite (1 = ~10k training examples)', rule: positive }),
  recipeOption('hidden', { name: 'hidden', type: 'number', help: 'BERT hidden size', rule: positiveInt }),
  recipeOption('layers', { name: 'layers', type: 'number', help: 'BERT layers', rule: positiveInt }),
  recipeOption('corpusVersion', corpusVersionOption(DEMO_RECIPES.full.corpusVersion, 'pre-training corpus version: ')),
  recipeOption('corpusSize', { name: 'corpus-size', type: 'number', help: 'pre-training corpus documents', rule: positiveInt }),
  recipeOption('pretrainSteps', { name: 'pretrain-steps', type: 'number', help: 'masked-LM pre-training steps', rule: positiveInt }),
  recipeOption('pretrainLr', { name: 'pretrain-lr', type: 'number', help: 'pre-training peak learning rate', rule: num({ above: 0, max: 1 }) }),
  recipeOption('nextSentence', { name: 'next-sentence', type: 'bool', help: "pre-train with BERT's next-sentence task too" }),
  recipeOption('groupByLength', { name: 'group-by-length', type: 'bool', help: 'pre-training batches of documents of similar length (less padding)' }),
  recipeOption('tokenMatch', { name: 'token-match', type: 'number', help: 'weight of the token-match pre-training task (is each token of a pair in the other sentence?); 0 = off', rule: num({ min: 0, max: 100 }) }),
  recipeOption('pretrainBiasCorrection', { name: 'pretrain-bias-correction', type: 'bool', help: "Adam's bias correction in pre-training (PyTorch's AdamW); without it, BERT's AdamW" }),
  recipeOption('epochs', { name: 'epochs', type: 'number', help: 'fine-tuning epochs, every method', rule: positive }),
  recipeOption('learningRate', { name: 'lr', type: 'number', help: 'fine-tuning peak learning rate, every method', rule: num({ above: 0, max: 1 }) }),
];

const SPECS: OptionSpec[] = [
  { name: 'out', type: 'string', help: 'where results, plots and logs go', default: 'runs/demo' },
  { name: 'cache-dir', type: 'string', help: 'where pre-trained encoders are kept, by a hash of their settings (reused by later runs)', default: 'runs/cache' },
  { name: 'seed', type: 'number', help: 'seed of the data and of pre-training (the first, with --data-seeds)', default: 0, rule: nonNegativeInt },
  { name: 'seeds', type: 'number', help: 'fine-tuning seeds 0..N-1 (each method runs once per seed)', default: 1, rule: positiveInt },
  { name: 'data-seeds', type: 'number', help: 'data seeds --seed … --seed+N-1, each with its own suite, corpus and encoder, into <out>/data-seed-<d>; with N > 1 the methods are then compared paired by data and fine-tuning seed, as bam compare does', default: 1, rule: positiveInt },
  { name: 'methods', type: 'string', help: `comma-separated: ${ALL_METHODS.join(', ')}`, default: 'single,multi,bam', rule: methodList },
  { name: 'recipe', type: 'string', help: `${RECIPE_NAMES.join(' or ')}: "full" is the recipe whose teachers all learn (2 to 2 3/4 hours on lavapipe with 2 cores, most of it pre-training, cached); "quick" the earlier ten-minute one, whose paraphrase teacher stays below chance; the options below change one setting of it`, default: 'full', rule: oneOf(RECIPE_NAMES) },
  ...RECIPE_OPTIONS,
  { name: 'resume', type: 'bool', help: 'go on with a stopped demo: reuse the finished runs under --out and resume the unfinished one (without it, runs start afresh)', default: false },
  { name: 'quiet', type: 'bool', help: 'no progress bars', default: false },
  { name: 'help', type: 'bool', help: 'show this help', default: false },
];

/** The named recipe with each recipe option given on the command line in its place. */
function recipeOf(o: Parsed['options']): DemoRecipe {
  const recipe: Record<string, unknown> = { ...DEMO_RECIPES[String(o.recipe) as DemoRecipeName] };
  for (const spec of RECIPE_OPTIONS) if (o[spec.name] !== undefined) recipe[spec.key] = o[spec.name];
  return recipe as unknown as DemoRecipe;
}

/**
 * `bam demo`: the whole BAM pipeline on the embedded synthetic suite —
 * masked-LM pre-training of a small BERT on the suite's unlabelled corpus
 * (cached), single-task teachers fine-tuned from it, their predictions, the
 * plain multi-task baseline and the BAM student — then the dev table with
 * each task's chance level and ceiling.
 */
export async function demo(argv: readonly string[]): Promise<void> {
  const { options: o } = parseArgs(argv, SPECS, 'bam demo');
  if (o.help) {
    console.log(usage('bam demo [options]', 'Pre-trains a small BERT on the embedded suite\'s corpus, then runs Single, Multi and BAM (and, with --methods, the ablations) and prints the dev table.', SPECS));
    return;
  }
  const methods = parseMethods(String(o.methods));
  const nSeeds = Number(o.seeds);
  const recipe = recipeOf(o);
  const t0 = performance.now();
  const rt = await initNode();
  const a = rt.adapter;
  console.log(`adapter: ${[a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(' / ')}${rt.profile.adapterClass === 'cpu' ? ' (runs on the CPU)' : ''}`);
  console.log(`device profile: ${formatProfile(rt.profile)}`);
  const changed = RECIPE_OPTIONS.filter((spec) => o[spec.name] !== undefined).map((spec) => `--${spec.name} ${o[spec.name]}`);
  console.log(`recipe: ${o.recipe}${changed.length > 0 ? `, with ${changed.join(' ')}` : ''}`);
  const out = String(o.out);
  const firstSeed = Number(o.seed);
  const dataSeeds = Array.from({ length: Number(o['data-seeds']) }, (_, i) => firstSeed + i);
  const outOf = (d: number) => (dataSeeds.length === 1 ? out : join(out, `data-seed-${d}`));
  const seedNote = nSeeds === 1 ? 'one seed — for significance use --seeds N' : `mean ± std over ${nSeeds} seeds`;
  const experiments: ExperimentRecord[] = [];
  for (const dataSeed of dataSeeds) {
    if (dataSeeds.length > 1) console.log(`\n=== data seed ${dataSeed} ===`);
    const { result, references } = await runDemoPipeline({
      recipe,
      dataSeed,
      seeds: Array.from({ length: nSeeds }, (_, i) => i),
      methods,
      out: outOf(dataSeed),
      cacheDir: String(o['cache-dir']),
      progress: !o.quiet,
      resume: Boolean(o.resume),
      log: (l) => console.log(l),
    });
    console.log(`\nDev results${dataSeeds.length > 1 ? `, data seed ${dataSeed}` : ''} (headline metric ×100; ${seedNote}):\n`);
    console.log(formatTable(result, references));
    experiments.push(experimentRecord(result, outOf(dataSeed), dataSeed));
  }
  if (dataSeeds.length > 1) {
    const rows = comparePaired(experiments, ['single', 'multi']);
    console.log(`\nPaired over data seeds (bam compare ${dataSeeds.map(outOf).join(' ')}):\n`);
    console.log(rows.length > 0 ? formatComparison(experiments, rows) : 'no pairs: the paired comparison needs single or multi among --methods, and another method');
  }
  console.log(`\nadapter: ${a.description || a.device}; total time ${fmtTime((performance.now() - t0) / 1000)}; results, logs and plots in ${join(out)}`);
}
