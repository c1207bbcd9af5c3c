import { SettingsError } from '../settings/rules.js';
import { UsageError } from './args.js';
import { compareCommand } from './compare.js';
import { demo } from './demo.js';
import { experimentCommand } from './experiment.js';
import { evalCommand, predictCommand } from './predict.js';
import { pretrainCommand } from './pretrain.js';
import { probeCommand } from './probe.js';
import { runReference } from './run-reference.js';
import { trainCommand } from './train.js';
import { workerCommand } from './worker.js';

/** `gpu: false`: the command only reads files, so it runs without starting WebGPU. */
const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<void>; help: string; gpu?: false }> = {
  run: { run: runReference, help: "the reference's command: bam run <model_name> <bam_dir> '<json hparams>'" },
  pretrain: { run: pretrainCommand, help: 'masked-LM pre-training of a BERT on a text corpus (writes a Hugging Face folder)' },
  probe: { run: probeCommand, help: "linear probes of an encoder's frozen features per task (is what a task needs already there?)" },
  train: { run: trainCommand, help: 'train one model (teacher, multi-task, or distilled student) and evaluate it' },
  predict: { run: predictCommand, help: 'predictions on a split; GLUE leaderboard files for test splits' },
  eval: { run: evalCommand, help: 'dev metrics of a trained model' },
  experiment: { run: experimentCommand, help: "the paper's comparison and ablations over N seeds" },
  compare: { run: compareCommand, help: 'methods over several experiments (e.g. data seeds), runs paired by seed: sign and signed-rank tests', gpu: false },
  worker: { run: workerCommand, help: 'trains `bam experiment --queue` jobs from Redis until SIGTERM (docs/scale-out.md)' },
  demo: { run: demo, help: 'the whole pipeline on the embedded synthetic suite (Single / Multi / BAM table)' },
};

/** The package's version, from its package.json (dist/cli/main.js → ../../package.json). */
async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${pkg.name} ${pkg.version}`;
}

/**
 * Whether `bam <argv>` may start the GPU: any command but help and version.
 * cli.ts runs those in a child whose stderr is filtered (cli/dawn-noise.ts).
 */
export function needsGpu(argv: readonly string[]): boolean {
  const [cmd, ...rest] = argv;
  return cmd !== undefined && Object.hasOwn(COMMANDS, cmd) && COMMANDS[cmd].gpu !== false && !rest.some((a) => a === '-h' || a === '--help');
}

export async function main(argv: readonly string[]): Promise<number> {
  // `-h` is `--help` for every command, as users of any CLI expect.
  const [cmd, ...rest] = argv.map((a) => (a === '-h' ? '--help' : a));
  if (cmd === '--version' || cmd === '-V') {
    console.log(await version());
    return 0;
  }
  if (!cmd || cmd === '--help' || cmd === 'help') {
    console.log(`usage: bam <command> [options]\n\ncommands:\n${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(12)}${c.help}`).join('\n')}\n\nbam <command> --help for a command's options.`);
    return cmd ? 0 : 2;
  }
  const c = COMMANDS[cmd];
  if (!c) {
    console.error(`bam: unknown command "${cmd}"; valid commands: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  try {
    await c.run(rest);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof SettingsError) {
      console.error(e.message);
      return 2;
    }
    console.error(`bam ${cmd}: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.BAM_DEBUG) console.error(e);
    return 1;
  }
}
