import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PickleError, readPickle, writePickle, type PickleValue } from '../../../packages/bam/src/io/pickle.js';
import { expectValid, runCase, type FuzzTarget } from '../harness.js';
import { inputsFrom } from '../mutate.js';

const FILE = 'fuzz/predictions.pkl';
const FIXTURES = join(import.meta.dirname, '../../../packages/bam/test/fixtures/pickle');

/** Valid pickles: numpy ones (protocols 2, 4, 5) and ours, shaped as teacher predictions and results.pkl. */
export function pickleSeeds(): Uint8Array[] {
  const numpy = ['cls_predictions.pkl', 'sts_predictions.pkl', 'results.pkl', 'cls_numpy2_p2.pkl', 'cls_numpy2_p4.pkl', 'sts_numpy2_p2.pkl'];
  return [
    ...numpy.map((f) => new Uint8Array(readFileSync(join(FIXTURES, f)))),
    writePickle(new Map<PickleValue, PickleValue>([[0, [1.5, -2.25]], [1, [0.25, 3]], [5, [-1, 1]]])),
    writePickle(new Map<PickleValue, PickleValue>([[0, 0.5], [2, 4.75]])),
    writePickle([new Map<PickleValue, PickleValue>([['rte', new Map<PickleValue, PickleValue>([['accuracy', 66.5]])]]), 'naïve', null, true, 2 ** 40]),
  ];
}

/** Every node of a returned value is a PickleValue (walked iteratively: memo can make cycles). */
function isPickleValue(root: PickleValue): boolean {
  const seen = new Set<object>();
  const todo: unknown[] = [root];
  while (todo.length > 0) {
    const v = todo.pop();
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') continue;
    if (v instanceof Float32Array || v instanceof Float64Array) continue;
    if (typeof v !== 'object' || seen.has(v)) {
      if (typeof v === 'object') continue;
      return false;
    }
    seen.add(v);
    if (Array.isArray(v)) todo.push(...v.slice(0, 10_000));
    else if (v instanceof Map) for (const [k, x] of v) todo.push(k, x);
    else return false;
  }
  return true;
}

export const pickleTarget: FuzzTarget = {
  name: 'pickle',
  input: inputsFrom(pickleSeeds()),
  check(bytes) {
    const out = runCase(bytes, { file: FILE, own: [PickleError], where: /pickle byte \d+: / }, () => readPickle(bytes, FILE));
    if ('value' in out) expectValid(isPickleValue(out.value), `${FILE}: readPickle returned something that is not a PickleValue`);
  },
};
