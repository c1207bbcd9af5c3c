import type { FuzzTarget } from '../harness.js';
import { glueTarget } from './glue.js';
import { halfTarget } from './half.js';
import { bertConfigTarget, experimentResultsTarget, hparamsTarget, optimizerStepsTarget, trainerStateTarget } from './json-files.js';
import { pickleTarget } from './pickle.js';
import { safetensorsTarget } from './safetensors.js';
import { teachersTarget } from './teachers.js';
import { specialTokensTarget, tokenizerConfigTarget, vocabTarget } from './tokenizer.js';

/** Every parser of outside data, as a fuzz target. */
export const TARGETS: readonly FuzzTarget[] = [
  safetensorsTarget,
  halfTarget,
  pickleTarget,
  teachersTarget,
  glueTarget,
  vocabTarget,
  tokenizerConfigTarget,
  specialTokensTarget,
  bertConfigTarget,
  trainerStateTarget,
  optimizerStepsTarget,
  hparamsTarget,
  experimentResultsTarget,
];
