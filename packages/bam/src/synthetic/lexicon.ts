/**
 * The lexicon of the synthetic language: an English-looking fragment whose
 * words carry hidden ("latent") attributes. The model only ever sees word
 * tokens; every task label is a function of these attributes, so all five
 * tasks share one latent structure (polarity, animacy, size, semantic class,
 * hypernymy, synonymy, antonymy, grammatical number) that multi-task
 * learning can pool.
 *
 * The lexicon is fixed (it does not depend on the seed) so the vocabulary is
 * the same for every generated suite. Attribute values are stipulations of
 * this artificial language, chosen to be plausible to a human reader; they
 * are not claims about English.
 */

export type NounClass = 'animal' | 'person' | 'vehicle' | 'tool' | 'snack' | 'building';

/** Size in this language: "small" things can be carried by a person. Class words cover both. */
export type Size = 'small' | 'big' | 'mixed';

export interface NounForm {
  readonly sg: string;
  readonly pl: string;
}

export interface NounConcept {
  readonly id: string;
  readonly cls: NounClass;
  /** The class word itself ("animal"), i.e. the hypernym of every other noun of its class. */
  readonly isHypernym: boolean;
  readonly animate: boolean;
  readonly human: boolean;
  readonly size: Size;
  /** Synonymous surface forms; index 0 is the citation form. */
  readonly forms: readonly NounForm[];
}

export type Polarity = -1 | 0 | 1;

export interface AdjectiveConcept {
  readonly id: string;
  readonly forms: readonly string[];
  /** Contribution to sentence sentiment. */
  readonly polarity: Polarity;
  /** Accepts the intensifier "very". */
  readonly gradable: boolean;
  /** Only predicated of animate nouns ("a sad hammer" is anomalous). */
  readonly animateOnly: boolean;
  /** Id of the opposite adjective, if any (semantically incompatible). */
  readonly antonym?: string;
  /** Colour terms are mutually incompatible, like antonyms. */
  readonly colour: boolean;
}

export interface VerbForm {
  /** Third person singular present: "chases". */
  readonly s3: string;
  /** Plain form, used with plural subjects and after do/does: "chase". */
  readonly base: string;
  /** Past participle, used in the passive: "chased". */
  readonly part: string;
}

/** What a verb demands of its agent. */
export type SubjectRequirement = 'any' | 'animate' | 'human';
/** What a verb demands of its patient. */
export type ObjectRequirement = 'any' | 'animate' | 'small' | 'snack' | 'vehicle';

export interface VerbConcept {
  readonly id: string;
  readonly forms: readonly VerbForm[];
  readonly polarity: Polarity;
  readonly subject: SubjectRequirement;
  readonly object: ObjectRequirement;
  /** Id of the incompatible opposite verb, if any. */
  readonly antonym?: string;
}

function noun(
  id: string,
  cls: NounClass,
  size: Size,
  forms: readonly (readonly [string, string])[],
  isHypernym = false,
): NounConcept {
  const animate = cls === 'animal' || cls === 'person';
  return {
    id,
    cls,
    isHypernym,
    animate,
    human: cls === 'person',
    size,
    forms: forms.map(([sg, pl]) => ({ sg, pl })),
  };
}

export const NOUNS: readonly NounConcept[] = [
  noun('animal', 'animal', 'mixed', [['animal', 'animals'], ['creature', 'creatures']], true),
  noun('dog', 'animal', 'small', [['dog', 'dogs'], ['hound', 'hounds']]),
  noun('cat', 'animal', 'small', [['cat', 'cats']]),
  noun('horse', 'animal', 'big', [['horse', 'horses'], ['steed', 'steeds']]),
  noun('mouse', 'animal', 'small', [['mouse', 'mice']]),
  noun('bear', 'animal', 'big', [['bear', 'bears']]),

  noun('person', 'person', 'mixed', [['person', 'people'], ['human', 'humans']], true),
  noun('child', 'person', 'small', [['child', 'children'], ['kid', 'kids']]),
  noun('doctor', 'person', 'big', [['doctor', 'doctors'], ['physician', 'physicians']]),
  noun('farmer', 'person', 'big', [['farmer', 'farmers']]),
  noun('teacher', 'person', 'big', [['teacher', 'teachers'], ['tutor', 'tutors']]),
  noun('king', 'person', 'big', [['king', 'kings'], ['monarch', 'monarchs']]),

  noun('vehicle', 'vehicle', 'mixed', [['vehicle', 'vehicles']], true),
  noun('car', 'vehicle', 'big', [['car', 'cars'], ['automobile', 'automobiles']]),
  noun('boat', 'vehicle', 'big', [['boat', 'boats'], ['ship', 'ships']]),
  noun('truck', 'vehicle', 'big', [['truck', 'trucks'], ['lorry', 'lorries']]),
  noun('bicycle', 'vehicle', 'small', [['bicycle', 'bicycles'], ['bike', 'bikes']]),
  noun('train', 'vehicle', 'big', [['train', 'trains']]),

  noun('tool', 'tool', 'small', [['tool', 'tools']], true),
  noun('hammer', 'tool', 'small', [['hammer', 'hammers']]),
  noun('knife', 'tool', 'small', [['knife', 'knives'], ['blade', 'blades']]),
  noun('rope', 'tool', 'small', [['rope', 'ropes'], ['cord', 'cords']]),
  noun('shovel', 'tool', 'small', [['shovel', 'shovels'], ['spade', 'spades']]),
  noun('saw', 'tool', 'small', [['saw', 'saws']]),

  noun('snack', 'snack', 'small', [['snack', 'snacks'], ['treat', 'treats']], true),
  noun('apple', 'snack', 'small', [['apple', 'apples']]),
  noun('pie', 'snack', 'small', [['pie', 'pies'], ['tart', 'tarts']]),
  noun('cookie', 'snack', 'small', [['cookie', 'cookies'], ['biscuit', 'biscuits']]),
  noun('sandwich', 'snack', 'small', [['sandwich', 'sandwiches']]),
  noun('carrot', 'snack', 'small', [['carrot', 'carrots']]),

  noun('building', 'building', 'big', [['building', 'buildings'], ['structure', 'structures']], true),
  noun('house', 'building', 'big', [['house', 'houses'], ['home', 'homes']]),
  noun('castle', 'building', 'big', [['castle', 'castles'], ['fortress', 'fortresses']]),
  noun('tower', 'building', 'big', [['tower', 'towers']]),
  noun('barn', 'building', 'big', [['barn', 'barns']]),
  noun('cottage', 'building', 'big', [['cottage', 'cottages'], ['cabin', 'cabins']]),
];

function adjective(
  id: string,
  forms: readonly string[],
  polarity: Polarity,
  opts: { antonym?: string; animateOnly?: boolean; gradable?: boolean; colour?: boolean } = {},
): AdjectiveConcept {
  const colour = opts.colour ?? false;
  return {
    id,
    forms,
    polarity,
    gradable: opts.gradable ?? !colour,
    animateOnly: opts.animateOnly ?? false,
    colour,
    ...(opts.antonym === undefined ? {} : { antonym: opts.antonym }),
  };
}

export const ADJECTIVES: readonly AdjectiveConcept[] = [
  adjective('happy', ['happy', 'cheerful'], 1, { antonym: 'sad', animateOnly: true }),
  adjective('sad', ['sad', 'gloomy'], -1, { antonym: 'happy', animateOnly: true }),
  adjective('kind', ['kind', 'gentle'], 1, { antonym: 'cruel', animateOnly: true }),
  adjective('cruel', ['cruel', 'vicious'], -1, { antonym: 'kind', animateOnly: true }),
  adjective('brave', ['brave', 'bold'], 1, { antonym: 'cowardly', animateOnly: true }),
  adjective('cowardly', ['cowardly'], -1, { antonym: 'brave', animateOnly: true }),
  adjective('beautiful', ['beautiful', 'lovely'], 1, { antonym: 'ugly' }),
  adjective('ugly', ['ugly', 'hideous'], -1, { antonym: 'beautiful' }),
  adjective('clean', ['clean', 'spotless'], 1, { antonym: 'dirty' }),
  adjective('dirty', ['dirty', 'filthy'], -1, { antonym: 'clean' }),
  adjective('wonderful', ['wonderful', 'excellent'], 1, { antonym: 'terrible' }),
  adjective('terrible', ['terrible', 'awful'], -1, { antonym: 'wonderful' }),
  adjective('big', ['big', 'large'], 0, { antonym: 'small' }),
  adjective('small', ['small', 'little'], 0, { antonym: 'big' }),
  adjective('old', ['old', 'ancient'], 0),
  adjective('red', ['red'], 0, { colour: true }),
  adjective('blue', ['blue'], 0, { colour: true }),
  adjective('green', ['green'], 0, { colour: true }),
];

function verb(
  id: string,
  forms: readonly (readonly [string, string, string])[],
  polarity: Polarity,
  subject: SubjectRequirement,
  object: ObjectRequirement,
  antonym?: string,
): VerbConcept {
  return {
    id,
    forms: forms.map(([s3, base, part]) => ({ s3, base, part })),
    polarity,
    subject,
    object,
    ...(antonym === undefined ? {} : { antonym }),
  };
}

export const VERBS: readonly VerbConcept[] = [
  verb('love', [['loves', 'love', 'loved'], ['adores', 'adore', 'adored']], 1, 'animate', 'any', 'hate'),
  verb('hate', [['hates', 'hate', 'hated'], ['despises', 'despise', 'despised']], -1, 'animate', 'any', 'love'),
  verb('praise', [['praises', 'praise', 'praised'], ['commends', 'commend', 'commended']], 1, 'human', 'any', 'criticize'),
  verb('criticize', [['criticizes', 'criticize', 'criticized'], ['condemns', 'condemn', 'condemned']], -1, 'human', 'any', 'praise'),
  verb('help', [['helps', 'help', 'helped'], ['assists', 'assist', 'assisted']], 1, 'animate', 'animate', 'harm'),
  verb('harm', [['harms', 'harm', 'harmed'], ['hurts', 'hurt', 'hurt']], -1, 'any', 'any', 'help'),
  verb('protect', [['protects', 'protect', 'protected'], ['guards', 'guard', 'guarded']], 1, 'any', 'any', 'attack'),
  verb('attack', [['attacks', 'attack', 'attacked'], ['assaults', 'assault', 'assaulted']], -1, 'animate', 'any', 'protect'),
  verb('greet', [['greets', 'greet', 'greeted'], ['welcomes', 'welcome', 'welcomed']], 1, 'animate', 'animate', 'ignore'),
  verb('ignore', [['ignores', 'ignore', 'ignored'], ['neglects', 'neglect', 'neglected']], -1, 'animate', 'any', 'greet'),
  verb('see', [['sees', 'see', 'seen'], ['notices', 'notice', 'noticed']], 0, 'animate', 'any'),
  verb('chase', [['chases', 'chase', 'chased'], ['pursues', 'pursue', 'pursued']], 0, 'animate', 'any'),
  verb('follow', [['follows', 'follow', 'followed'], ['trails', 'trail', 'trailed']], 0, 'any', 'any'),
  verb('watch', [['watches', 'watch', 'watched'], ['observes', 'observe', 'observed']], 0, 'animate', 'any'),
  verb('eat', [['eats', 'eat', 'eaten'], ['consumes', 'consume', 'consumed']], 0, 'animate', 'snack'),
  verb('carry', [['carries', 'carry', 'carried']], 0, 'animate', 'small'),
  verb('drive', [['drives', 'drive', 'driven'], ['steers', 'steer', 'steered']], 0, 'human', 'vehicle'),
  verb('find', [['finds', 'find', 'found'], ['discovers', 'discover', 'discovered']], 0, 'animate', 'any'),
  verb('hit', [['hits', 'hit', 'hit'], ['strikes', 'strike', 'struck']], 0, 'any', 'any'),
];

function byId<T extends { readonly id: string }>(items: readonly T[], kind: string): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    if (map.has(item.id)) throw new Error(`duplicate ${kind} id ${item.id}`);
    map.set(item.id, item);
  }
  return map;
}

const NOUN_BY_ID = byId(NOUNS, 'noun');
const ADJECTIVE_BY_ID = byId(ADJECTIVES, 'adjective');
const VERB_BY_ID = byId(VERBS, 'verb');

function lookup<T>(map: ReadonlyMap<string, T>, id: string, kind: string): T {
  const item = map.get(id);
  if (item === undefined) throw new Error(`unknown ${kind} ${id}`);
  return item;
}

export const nounById = (id: string): NounConcept => lookup(NOUN_BY_ID, id, 'noun');
export const adjectiveById = (id: string): AdjectiveConcept => lookup(ADJECTIVE_BY_ID, id, 'adjective');
export const verbById = (id: string): VerbConcept => lookup(VERB_BY_ID, id, 'verb');

/** The class word (hypernym) of a noun's class. */
export function hypernymOf(n: NounConcept): NounConcept {
  const h = NOUNS.find((m) => m.isHypernym && m.cls === n.cls);
  if (h === undefined) throw new Error(`class ${n.cls} has no hypernym`);
  return h;
}

/** The basic-level nouns of a class, i.e. the hyponyms of its class word. */
export function hyponymsOf(h: NounConcept): readonly NounConcept[] {
  return NOUNS.filter((m) => !m.isHypernym && m.cls === h.cls);
}

/** Words that are not lexicon entries: determiners, auxiliaries, negation, the passive "by", the intensifier, the full stop. */
export const FUNCTION_WORDS: readonly string[] = [
  'the', 'this', 'these', 'a', 'an', 'some', 'every', 'all', 'no',
  'does', 'do', 'not', 'is', 'are', 'by', 'very', '.',
];
