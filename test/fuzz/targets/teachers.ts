import { PickleError } from '../../../packages/bam/src/io/pickle.js';
import { TeacherPredictionsError, parseTeacherPredictions } from '../../../packages/bam/src/train/teachers.js';
import { expectValid, runCase, type FuzzTarget } from '../harness.js';
import { inputsFrom } from '../mutate.js';
import { pickleSeeds } from './pickle.js';

const FILE = 'fuzz/models/t/outputs/rte_train_predictions_1.pkl';

export const teachersTarget: FuzzTarget = {
  name: 'teacher-predictions',
  input: inputsFrom(pickleSeeds()),
  check(bytes) {
    const out = runCase(bytes, { file: FILE, own: [PickleError, TeacherPredictionsError], where: /pickle byte \d+: |example|expected a dict/ }, () =>
      parseTeacherPredictions(bytes, FILE),
    );
    if (!('value' in out)) return;
    let outputs = -1;
    for (const [eid, p] of out.value) {
      expectValid(Number.isSafeInteger(eid) && eid >= 0, `${FILE}: example id ${eid} accepted`);
      const values = typeof p === 'number' ? [p] : p;
      expectValid(Array.isArray(values) && values.every((x) => typeof x === 'number' && Number.isFinite(x)), `${FILE}: example ${eid} holds a non-finite or non-number value`);
      if (outputs < 0) outputs = values.length;
      expectValid(values.length === outputs, `${FILE}: example ${eid} has ${values.length} outputs, another has ${outputs}`);
    }
  },
};
