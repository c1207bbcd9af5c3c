// How often the labelled training sets of the pair tasks show each synonym pair of the lexicon
// (two surface forms of one concept, one in each sentence). SCALE: the suite size (default 0.5).
// Run from the repository root after a build: node docs/results/pair-edit-kinds/synonym-coverage.mjs
import { generateSyntheticGlue } from '../../../packages/bam/dist/index.js';
import { NOUNS, ADJECTIVES, VERBS } from '../../../packages/bam/dist/synthetic/lexicon.js';
import { QUICK_RECIPE as R } from '../../../packages/bam/dist/experiment/demo-recipe.js';
const conceptOf = new Map();
const formsOf = [];
for (const n of NOUNS) n.forms.forEach((f, i) => { conceptOf.set(f.sg, `n:${n.id}:${i}`); conceptOf.set(f.pl, `n:${n.id}:${i}`); });
for (const a of ADJECTIVES) a.forms.forEach((f, i) => conceptOf.set(f, `a:${a.id}:${i}`));
for (const v of VERBS) v.forms.forEach((f, i) => { for (const s of [f.s3, f.base, f.part]) conceptOf.set(s, `v:${v.id}:${i}`); });
let pairs = 0;
for (const c of [...NOUNS, ...ADJECTIVES, ...VERBS]) pairs += (c.forms.length * (c.forms.length - 1)) / 2;
console.log(`synonym pairs in the lexicon: ${pairs} (nouns ${NOUNS.reduce((s, c) => s + c.forms.length * (c.forms.length - 1) / 2, 0)}, adjectives ${ADJECTIVES.reduce((s, c) => s + c.forms.length * (c.forms.length - 1) / 2, 0)}, verbs ${VERBS.reduce((s, c) => s + c.forms.length * (c.forms.length - 1) / 2, 0)})`);
const s = generateSyntheticGlue({ seed: 0, scale: Number(process.env.SCALE ?? R.scale) });
const synPairs = (e) => {
  const A = e.textA.split(' '), B = (e.textB ?? '').split(' ');
  const out = [];
  const setB = new Set(B.map((w) => conceptOf.get(w)).filter(Boolean));
  for (const w of A) {
    const c = conceptOf.get(w); if (!c) continue;
    const [p, id, i] = c.split(':');
    for (const u of B) { const d = conceptOf.get(u); if (!d) continue; const [q, id2, j] = d.split(':'); if (p === q && id === id2 && i !== j) out.push(`${p}:${id}:${[i, j].sort().join('-')}`); }
  }
  return [...new Set(out)];
};
for (const name of ['syn-entailment', 'syn-paraphrase', 'syn-similarity']) {
  const own = new Map();
  for (const e of s.tasks.find((t) => t.name === name).splits.train) for (const p of synPairs(e)) own.set(p, (own.get(p) ?? 0) + 1);
  const c = [...own.values()].sort((a, b) => a - b);
  console.log(`${name} train alone: ${own.size} of ${pairs} pairs shown, median ${c[c.length >> 1]} times, ${c.filter((x) => x <= 2).length} at most twice`);
}
const seen = new Map();
for (const name of ['syn-entailment', 'syn-paraphrase', 'syn-similarity']) {
  const t = s.tasks.find((t) => t.name === name);
  for (const e of t.splits.train) for (const p of synPairs(e)) seen.set(p, (seen.get(p) ?? 0) + 1);
}
const counts = [...seen.values()];
console.log(`pair tasks' training sets (scale ${process.env.SCALE ?? 0.5}): ${seen.size} of ${pairs} synonym pairs shown at least once; median ${counts.sort((a, b) => a - b)[counts.length >> 1]} times, ${counts.filter((c) => c <= 2).length} pairs at most twice`);
for (const name of ['syn-entailment', 'syn-paraphrase']) {
  const t = s.tasks.find((t) => t.name === name);
  let withSyn = 0, unseen = 0;
  for (const e of t.splits.dev) { const ps = synPairs(e); if (ps.length) { withSyn++; if (ps.some((p) => !seen.has(p))) unseen++; } }
  console.log(`${name} dev: ${withSyn} of ${t.splits.dev.length} pairs substitute a synonym; in ${unseen} of them a pair never shown in any pair task's training set`);
}
