import { comparePaired, formatComparison, readExperimentResults } from '../experiment/compare.js';
import { ALL_METHODS, methodList, parseMethods } from '../experiment/methods.js';
import { parseArgs, usage, UsageError, type OptionSpec } from './args.js';

const SPECS: OptionSpec[] = [
  { name: 'against', type: 'string', help: `comma-separated baselines, each compared with every other method: ${ALL_METHODS.join(', ')}`, default: 'single,multi', rule: methodList },
  { name: 'help', type: 'bool', help: 'show this help', default: false },
];

/** Results folders of bam experiment or bam demo hold at most this many; more is a typo or a glob gone wrong. */
const MAX_EXPERIMENTS = 1000;

/**
 * `bam compare <results> …`: methods against baselines over several
 * experiments (e.g. one per data seed), runs paired by experiment and seed,
 * with sign and signed-rank tests. Reads files only; no GPU.
 */
export async function compareCommand(argv: readonly string[]): Promise<void> {
  const { options: o, positional } = parseArgs(argv, SPECS, 'bam compare', MAX_EXPERIMENTS);
  if (o.help) {
    console.log(usage('bam compare <results folder or results.json> […]', 'Methods compared over several experiments (e.g. data seeds), runs paired by experiment and seed: mean differences, sign and Wilcoxon signed-rank tests.', SPECS));
    return;
  }
  if (positional.length === 0) throw new UsageError('bam compare: give one or more results folders (or results.json files) of bam experiment or bam demo');
  const against = parseMethods(String(o.against));
  const experiments = [];
  for (const p of positional) experiments.push(await readExperimentResults(p));
  const rows = comparePaired(experiments, against);
  if (rows.length === 0) throw new Error(`no pairs of runs: none of the experiments has ${against.join(' or ')} and another method with the same seed`);
  console.log(formatComparison(experiments, rows));
}
