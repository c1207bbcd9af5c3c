import { fc } from '@fast-check/vitest';
import { decodeUtf8Strict } from '../../../packages/bam/src/glue/decode-utf8.js';
import { GlueFormatError } from '../../../packages/bam/src/glue/format-error.js';
import { parseGlueSplit } from '../../../packages/bam/src/glue/parse-split.js';
import type { GlueSplitSpec, GlueTaskSpec } from '../../../packages/bam/src/glue/task-spec.js';
import { GLUE_TASKS } from '../../../packages/bam/src/glue/tasks.js';
import { parseTsv } from '../../../packages/bam/src/glue/tsv.js';
import { GLUE_FIXTURE_FILES } from '../../../packages/bam/test/helpers/glue-fixtures.js';
import { expectValid, runCase, type FuzzTarget } from '../harness.js';
import { anyBytes, concat, mutationsOf } from '../mutate.js';

const FILE = 'fuzz/glue_data/split.tsv';

/** Every split of every task, each with the fixture file of its layout as the valid seed. */
const LAYOUTS: { task: GlueTaskSpec; split: GlueSplitSpec; seed: Uint8Array }[] = GLUE_TASKS.flatMap((task) =>
  task.splits.map((split) => ({ task, split, seed: new TextEncoder().encode(GLUE_FIXTURE_FILES[split.file] ?? '') })),
);

// The first byte picks the layout, so a recorded case replays against the same one.
const input: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: fc.tuple(fc.nat(LAYOUTS.length - 1), anyBytes), weight: 1 },
  { arbitrary: fc.nat(LAYOUTS.length - 1).chain((i) => fc.tuple(fc.constant(i), mutationsOf([LAYOUTS[i].seed]))), weight: 3 },
).map(([i, file]) => concat([Uint8Array.of(i), file]));

export const glueTarget: FuzzTarget = {
  name: 'glue-tsv',
  input,
  check(bytes) {
    if (bytes.length === 0) return;
    const { task, split } = LAYOUTS[bytes[0] % LAYOUTS.length];
    // As readGlueSplit reads a file: strict UTF-8 (an error naming the line and byte), then the parser.
    const out = runCase(bytes, { file: FILE, own: [GlueFormatError], where: /^fuzz\/glue_data\/split\.tsv:\d+: / }, () =>
      parseGlueSplit(decodeUtf8Strict(bytes.subarray(1), FILE), task, split, FILE),
    );
    if (!('value' in out)) return;
    const data = out.value;
    if (split.hasHeader) {
      // The header row is checked by the names of its label and index columns.
      const header = parseTsv(new TextDecoder().decode(bytes.subarray(1)))[0].fields;
      const named = (column: number | undefined, names: string[]) => column === undefined || names.includes(header[column].trim().toLowerCase());
      expectValid(named(split.labelColumn, ['label', 'quality', 'score', 'is_duplicate', 'gold_label']), `${FILE}: header label column ${JSON.stringify(header[split.labelColumn ?? 0])} accepted`);
      expectValid(named(split.indexColumn, ['index', 'id']), `${FILE}: header index column ${JSON.stringify(header[split.indexColumn ?? 0])} accepted`);
    }
    expectValid(data.skippedRows === data.skippedLines.length, `${FILE}: ${data.skippedRows} skipped rows but ${data.skippedLines.length} lines`);
    expectValid(task.skipShortRows || data.skippedRows === 0, `${FILE}: ${task.name} skipped rows`);
    const ids = new Set<string>();
    for (const ex of data.examples) {
      expectValid(typeof ex.textA === 'string' && /^(0|[1-9]\d*)$/.test(ex.id), `${FILE}: example ${JSON.stringify(ex.id)} malformed`);
      expectValid(!ids.has(ex.id), `${FILE}: id ${ex.id} twice`);
      ids.add(ex.id);
      expectValid((split.textBColumn === undefined) === (ex.textB === undefined), `${FILE}: example ${ex.id} textB does not match the layout`);
      if (split.labelColumn === undefined) continue;
      const ok = task.kind === 'classification' ? task.labels.includes(ex.label as string) : typeof ex.label === 'number' && ex.label >= task.range[0] && ex.label <= task.range[1];
      expectValid(ok, `${FILE}: example ${ex.id} label ${String(ex.label)} accepted`);
    }
  },
};
