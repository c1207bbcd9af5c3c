// Which labels do the dev pairs carry that the synonym oracle makes one sentence twice? The suite is
// generated twice, with and without label noise (the same texts: noise has its own random stream), so
// each such pair's clean label and whether noise flipped it can be read off.
// Usage (after a build): node docs/results/pair-edit-kinds/oracle-flips.mjs [seed] [scale]
import { generateSyntheticGlue } from '../../../packages/bam/dist/synthetic/index.js';
import { oracleText } from './synonym-oracle.mjs';

const seed = Number(process.argv[2] ?? 0);
const scale = Number(process.argv[3] ?? 0.5);
const noisy = generateSyntheticGlue({ seed, scale });
const clean = generateSyntheticGlue({ seed, scale, labelNoise: false });
console.log(`suite seed ${seed}, scale ${scale}, dev split`);
for (const task of noisy.tasks.filter((t) => t.isPair && t.kind === 'classification')) {
  const dev = task.splits.dev;
  const cleanDev = clean.tasks.find((t) => t.name === task.name).splits.dev;
  const flippedAll = dev.filter((e, i) => e.label !== cleanDev[i].label).length;
  const same = dev.map((e, i) => i).filter((i) => oracleText(dev[i].textA) === oracleText(dev[i].textB));
  const cleanLabels = {};
  for (const i of same) cleanLabels[cleanDev[i].label] = (cleanLabels[cleanDev[i].label] ?? 0) + 1;
  const flipped = same.filter((i) => dev[i].label !== cleanDev[i].label).length;
  console.log(`${task.name}: ${dev.length} pairs, ${flippedAll} flipped by noise (${(100 * flippedAll / dev.length).toFixed(1)}%); ` +
    `${same.length} made one sentence twice, clean labels ${JSON.stringify(cleanLabels)}, ${flipped} of them flipped by noise`);
}
