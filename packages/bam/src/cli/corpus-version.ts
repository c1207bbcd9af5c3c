import { CORPUS_VERSIONS, type CorpusVersion } from '../synthetic/corpus.js';
import { num } from '../settings/rules.js';
import type { OptionSpec, Parsed } from './args.js';

/** `--corpus-version`, shared by `bam pretrain` and `bam demo`; its range is the corpus generator's own list. */
export function corpusVersionOption(defaultVersion: CorpusVersion, helpPrefix: string): OptionSpec {
  return {
    name: 'corpus-version',
    type: 'number',
    help: `${helpPrefix}1 restates, 2 also names referents again (docs/synthetic-glue.md §10.1)`,
    default: defaultVersion,
    rule: num({ integer: true, min: Math.min(...CORPUS_VERSIONS), max: Math.max(...CORPUS_VERSIONS) }),
  };
}

/** The parsed `--corpus-version` (its rule has already held it to CORPUS_VERSIONS' range). */
export const corpusVersionOf = (o: Parsed['options']): CorpusVersion => Number(o['corpus-version']) as CorpusVersion;
