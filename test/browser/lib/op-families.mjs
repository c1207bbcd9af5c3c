/**
 * The op families the page runs, found by globbing
 * packages/core/test/ops/*.cases.ts, so a new cases file runs in the browser
 * without anyone touching this suite. Each `<name>.cases.ts` must export
 * `<name>Cases` (camel-cased), the convention ops.test.ts follows.
 *
 * Also compares the glob with the families ops.test.ts lists: a cases file
 * the Node suite forgot is a drift the runner reports as a failure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SUFFIX = '.cases.ts';

const camel = (s) => s.replace(/[-_.]+([a-z0-9])/gi, (_, c) => c.toUpperCase());

/** [{ family, file, exportName }] (file relative to opsDir) in ops.test.ts's order, then any it lacks, alphabetically. */
export function findOpFamilies(opsDir) {
  const found = readdirSync(opsDir)
    .filter((f) => f.endsWith(SUFFIX))
    .sort()
    .map((f) => {
      const family = f.slice(0, -SUFFIX.length);
      // Imported relative to opsDir, the generated module's resolveDir.
      return { family, file: `./${f}`, exportName: `${camel(family)}Cases` };
    });
  const nodeOrder = nodeSuiteFamilies(opsDir);
  const rank = (f) => {
    const i = nodeOrder.indexOf(f.family);
    return i < 0 ? nodeOrder.length : i;
  };
  return found.sort((a, b) => rank(a) - rank(b) || a.family.localeCompare(b.family));
}

/** Family names in ops.test.ts's `families` list (entries like `['nn', nnCases]`). */
export function nodeSuiteFamilies(opsDir) {
  const src = readFileSync(join(opsDir, 'ops.test.ts'), 'utf8');
  return [...src.matchAll(/\[\s*'([\w-]+)'\s*,\s*\w+Cases\s*\]/g)].map((m) => m[1]);
}

/** Families found on disk that ops.test.ts does not run, and listed ones with no file. */
export function familyDrift(opsDir) {
  const onDisk = findOpFamilies(opsDir).map((f) => f.family);
  const listed = nodeSuiteFamilies(opsDir);
  return {
    missingFromNode: onDisk.filter((f) => !listed.includes(f)),
    missingOnDisk: listed.filter((f) => !onDisk.includes(f)),
  };
}

/** TypeScript source of the virtual module `bamgpu:op-families` (see op-families.d.ts). */
export function opFamiliesModule(opsDir) {
  const families = findOpFamilies(opsDir);
  const imports = families.map((f, i) => `import { ${f.exportName} as c${i} } from ${JSON.stringify(f.file)};`);
  const list = families.map((f, i) => `  [${JSON.stringify(f.family)}, c${i}],`);
  return [
    "import type { OpCase } from '../helpers/check.js';",
    ...imports,
    'export const families: [string, OpCase[]][] = [',
    ...list,
    '];',
    '',
  ].join('\n');
}
