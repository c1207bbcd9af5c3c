// docs/architecture.md's layer order is the import graph: every value import
// inside core goes from a layer to one listed below it in the doc, and the
// packages import only downwards (bam → bert → core). Type-only imports are
// allowed upwards (they vanish at run time); the doc names the one there is.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const core = join(root, 'packages', 'core', 'src');
/** Core's layers, top to bottom, as the doc's diagram lists them; errors.ts is below all. */
const LAYERS = ['init.ts', 'optim', 'nn', 'ops', 'autograd', 'kernels', 'random', 'tensor', 'runtime', 'io'];
/** Entry files that sit with init.ts at the top. */
const TOP = new Set(['init.ts', 'index.ts', 'node.ts']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : n.endsWith('.ts') ? [p] : [];
  });
}

/** Relative specifiers of a file's value imports and re-exports (not `import type` / `export type`). */
function valueImports(text: string): string[] {
  const out: string[] = [];
  const re = /^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gms;
  for (let m = re.exec(text); m; m = re.exec(text)) if (!m[1]) out.push(m[2]);
  return out;
}

function layerOf(fileInCore: string): number {
  const first = relative(core, fileInCore).split(/[\\/]/)[0].replace(/\.js$/, '.ts');
  if (TOP.has(first)) return 0;
  if (first === 'errors.ts') return LAYERS.length;
  const i = LAYERS.indexOf(first);
  if (i < 0) throw new Error(`${first}: not a layer the doc lists`);
  return i;
}

test('core: every value import goes down the layer order', () => {
  const upward: string[] = [];
  for (const file of tsFiles(core)) {
    for (const spec of valueImports(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = normalize(join(dirname(file), spec));
      const [from, to] = [layerOf(file), layerOf(target)];
      if (to < from) upward.push(`${relative(core, file)} → ${relative(core, target)}`);
    }
  }
  expect(upward).toEqual([]);
});

test('the doc lists core\'s layers in that order', () => {
  const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const block = doc.slice(doc.indexOf('@bamgpu/core\n'));
  const at = LAYERS.map((l) => block.search(new RegExp(`^  ${l.replace('.', '\\.')}${l.endsWith('.ts') ? '' : '/'}\\s`, 'm')));
  expect(at.every((i) => i >= 0), `missing: ${LAYERS.filter((_, k) => at[k] < 0).join(', ')}`).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
});

test('packages import only downwards: core nothing of bert or bam, bert nothing of bam', () => {
  const importing = (pkg: string, banned: RegExp) =>
    tsFiles(join(root, 'packages', pkg, 'src')).filter((f) => valueImports(readFileSync(f, 'utf8')).some((s) => banned.test(s)));
  expect(importing('core', /^@bamgpu\/(bert|bam)/)).toEqual([]);
  expect(importing('bert', /^@bamgpu\/bam/)).toEqual([]);
  // The check sees package imports at all: bam does import both.
  expect(importing('bam', /^@bamgpu\/(core|bert)/).length).toBeGreaterThan(0);
});
