import type { Example } from '../data/example.js';
import { GlueFormatError } from './format-error.js';
import type { GlueSplitSpec, GlueTaskSpec } from './task-spec.js';
import { getGlueSplit, resolveGlueTask } from './tasks.js';
import { parseTsv } from './tsv.js';

/** The examples of one split, plus what had to be left out. */
export interface GlueSplitData {
  readonly task: GlueTaskSpec;
  readonly split: GlueSplitSpec;
  readonly examples: Example[];
  /** Rows skipped for having too few fields; only QQP skips rather than failing. */
  readonly skippedRows: number;
  /** 1-based line numbers of the skipped rows. */
  readonly skippedLines: readonly number[];
}

// A plain decimal number as the STS-B files write scores ("3.800", "5", "0.5e0").
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const GLUE_INDEX = /^(0|[1-9]\d*)$/;

/**
 * Parses the text of one GLUE split file into examples (pure: no I/O).
 *
 * Example ids: on labelled splits the id is the 0-based position of the row
 * among the file's data rows (header excluded), as a decimal string. That is
 * the `eid` the BAM reference keys teacher predictions by
 * (`_load_glue`: `eid = i - (1 if skip_first_line else 0)`). Rows skipped as
 * malformed still use up their position, so later ids do not shift.
 * On test splits the id is the file's own index column, the key the GLUE
 * server matches submissions by; in the official files it equals the row
 * position, so it is also the reference's eid.
 *
 * @param source names the text in error messages (normally the file path).
 * @throws GlueFormatError naming `source` and the 1-based line for a row with
 *   the wrong number of fields, an unknown label, a bad score or a bad index.
 */
export function parseGlueSplit(
  text: string,
  task: GlueTaskSpec | string,
  split: GlueSplitSpec | string,
  source: string,
): GlueSplitData {
  const spec = resolveGlueTask(task);
  const layout = typeof split === 'string' ? getGlueSplit(spec, split) : split;
  const rows = parseTsv(text);
  const expectedFields = `${layout.columnCount} tab-separated fields (${spec.name} ${layout.name} layout)`;

  let firstDataRow = 0;
  if (layout.hasHeader) {
    const header = rows[0];
    if (header === undefined) {
      throw new GlueFormatError(source, 1, `file is empty; expected a header row of ${expectedFields}`);
    }
    if (header.fields.length !== layout.columnCount) {
      throw new GlueFormatError(source, header.line, `header has ${header.fields.length} fields; expected ${expectedFields}`);
    }
    checkHeader(spec, layout, header.fields, source, header.line);
    firstDataRow = 1;
  }

  const examples: Example[] = [];
  const skippedLines: number[] = [];
  const seenIndices = new Set<string>();
  for (let r = firstDataRow; r < rows.length; r++) {
    const { line, fields } = rows[r];
    const position = r - firstDataRow;
    if (fields.length !== layout.columnCount) {
      if (spec.skipShortRows && fields.length < layout.columnCount) {
        skippedLines.push(line);
        continue;
      }
      throw new GlueFormatError(source, line, `row has ${fields.length} fields; expected ${expectedFields}`);
    }

    let id = String(position);
    if (layout.indexColumn !== undefined) {
      id = fields[layout.indexColumn];
      if (!GLUE_INDEX.test(id)) {
        throw new GlueFormatError(source, line, `index "${id}" in column ${layout.indexColumn + 1} is not a non-negative integer`);
      }
      if (seenIndices.has(id)) throw new GlueFormatError(source, line, `index ${id} appears twice`);
      seenIndices.add(id);
    }

    const example: Example = { id, textA: fields[layout.textAColumn] };
    if (layout.textBColumn !== undefined) example.textB = fields[layout.textBColumn];
    if (layout.labelColumn !== undefined) {
      example.label = parseLabel(spec, fields[layout.labelColumn], source, line);
    }
    examples.push(example);
  }
  return { task: spec, split: layout, examples, skippedRows: skippedLines.length, skippedLines };
}

// What GLUE's headers call the columns read by name-independent position:
// the gold label (Quality, score, is_duplicate, gold_label, label) and the test index (index, id).
const LABEL_HEADERS = ['label', 'quality', 'score', 'is_duplicate', 'gold_label'];
const INDEX_HEADERS = ['index', 'id'];

/**
 * The first row of a file with a header must be that header: a data row in
 * its place (the header is missing) would otherwise be dropped as one, and a
 * file of another layout would be read by position. The label and index
 * columns are the ones checked by name; a header holding a valid label or
 * index there is taken for a data row.
 */
function checkHeader(task: GlueTaskSpec, layout: GlueSplitSpec, fields: readonly string[], source: string, line: number): void {
  const expect = (column: number | undefined, names: readonly string[], role: string) => {
    if (column === undefined) return;
    const got = fields[column].trim();
    if (names.includes(got.toLowerCase())) return;
    const looksLikeData = role === 'index' ? GLUE_INDEX.test(got) : isValidLabel(task, got);
    throw new GlueFormatError(
      source,
      line,
      looksLikeData
        ? `the header row is missing: line ${line} is a data row (its ${role} column holds "${got}"); the ${task.name} ${layout.name} file starts with a header`
        : `header column ${column + 1} is "${got}"; expected the ${role} column (${names.join(' or ')}) of the ${task.name} ${layout.name} layout`,
    );
  };
  expect(layout.labelColumn, LABEL_HEADERS, 'label');
  expect(layout.indexColumn, INDEX_HEADERS, 'index');
}

function isValidLabel(task: GlueTaskSpec, raw: string): boolean {
  return task.kind === 'classification' ? task.labels.includes(raw) : DECIMAL.test(raw);
}

function parseLabel(task: GlueTaskSpec, raw: string, source: string, line: number): string | number {
  if (task.kind === 'classification') {
    if (!task.labels.includes(raw)) {
      throw new GlueFormatError(source, line, `unknown ${task.name} label "${raw}"; valid labels: ${task.labels.join(', ')}`);
    }
    return raw;
  }
  const [min, max] = task.range;
  const score = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!(score >= min && score <= max)) {
    throw new GlueFormatError(source, line, `${task.name} score "${raw}" is not a number in [${min}, ${max}]`);
  }
  return score;
}
