/**
 * syn-paraphrase (MRPC-like): do the two sentences mean the same ("1") or not ("0")?
 *
 * Gold rule: same meaning ⇔ equal `meaningKey`, i.e. the same participants
 * (determiner meaning, number, noun concept, adjective concept, "very"), verb
 * concept and polarity, where synonyms count as the same concept and the
 * voice is ignored whenever swapping it cannot change the scope reading.
 * Positives apply 1–2 meaning-preserving edits (synonym substitution, voice
 * swap); negatives apply one meaning-changing edit (including the
 * word-overlap-preserving role swap "the dog chases the cat" / "the cat
 * chases the dog"), half of them plus a meaning-preserving edit, so that
 * neither word overlap nor word order decides the label.
 */
import type { Clause, NounPhrase } from '../clause.js';
import { agentOf, patientOf, voiceSwapKeepsMeaning } from '../clause.js';
import type { EditOption } from '../edits.js';
import { CLAUSE_EDIT_KINDS, PHRASE_EDIT_KINDS, editOptions, sampleEdit } from '../edits.js';
import { renderClause } from '../render.js';
import { sampleClause } from '../sample.js';
import type { SeededRng } from '@bamgpu/core';
import type { GeneratedItem, TaskDefinition } from '../task-definition.js';
import { CLASSIFICATION_FLIP_RATE } from '../task-definition.js';

export const PARAPHRASE_POSITIVE_RATE = 0.5;

function phraseKey(np: NounPhrase): string {
  const adj = np.adj === undefined ? '-' : `${np.adj.very ? 'very ' : ''}${np.adj.adj.id}`;
  return `${np.quant} ${np.number} ${adj} ${np.noun.id}`;
}

/** A canonical string of a clause's meaning: equal keys ⇔ paraphrases. */
export function meaningKey(c: Clause): string {
  const head = `${c.negated ? 'not ' : ''}${c.verb.id}`;
  if (voiceSwapKeepsMeaning(c)) return `${head} | agent: ${phraseKey(agentOf(c))} | patient: ${phraseKey(patientOf(c))}`;
  return `${head} | ${c.voice} | np1: ${phraseKey(c.np1)} | np2: ${phraseKey(c.np2)}`;
}

export function paraphraseLabel(a: Clause, b: Clause): '0' | '1' {
  return meaningKey(a) === meaningKey(b) ? '1' : '0';
}

const PRESERVING: readonly EditOption[] = editOptions(['noun-synonym', 'adj-synonym'], ['np1', 'np2'], ['verb-synonym', 'voice-swap']);
const CHANGING: readonly EditOption[] = editOptions(
  PHRASE_EDIT_KINDS.filter((k) => k !== 'noun-synonym' && k !== 'adj-synonym'),
  ['np1', 'np2'],
  [...CLAUSE_EDIT_KINDS.filter((k) => k !== 'verb-synonym'), 'role-swap'],
);

function generate(rng: SeededRng): GeneratedItem {
  const positive = rng.chance(PARAPHRASE_POSITIVE_RATE);
  for (;;) {
    const first = sampleClause(rng);
    let second: Clause | undefined;
    if (positive) {
      second = sampleEdit(rng, first, PRESERVING)?.result;
      if (second !== undefined && rng.chance(0.5)) second = sampleEdit(rng, second, PRESERVING)?.result ?? second;
    } else {
      second = sampleEdit(rng, first, CHANGING)?.result;
      if (second !== undefined && rng.chance(0.5)) second = sampleEdit(rng, second, PRESERVING)?.result ?? second;
    }
    if (second === undefined) continue;
    const textA = renderClause(first);
    const textB = renderClause(second);
    const label = paraphraseLabel(first, second);
    // A double voice swap can restore the first sentence; such pairs say nothing.
    if (textA === textB) continue;
    if (label !== (positive ? '1' : '0')) throw new Error(`paraphrase edit broke its contract: ${textA} / ${textB}`);
    return { textA, textB, label };
  }
}

export const PARAPHRASE_TASK: TaskDefinition = {
  name: 'syn-paraphrase',
  analogue: 'MRPC',
  description: 'Sentence pair, binary paraphrase (1 same meaning, 0 different) under synonymy, voice alternation and meaning edits.',
  kind: 'classification',
  labels: ['0', '1'],
  isPair: true,
  metrics: ['f1', 'accuracy'],
  labelNoise: { kind: 'flip', rate: CLASSIFICATION_FLIP_RATE },
  sizes: { train: 1000, dev: 300, test: 300 },
  generate,
};
