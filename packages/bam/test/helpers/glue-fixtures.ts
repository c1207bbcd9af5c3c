/**
 * Tiny GLUE data folders in the official download layout, for tests of the
 * readers and of everything downstream (trainer, `bam run`).
 *
 * Each file copies its real counterpart's shape: header or not (CoLA
 * train/dev have none), column count and order (MNLI's parse columns, its
 * 12/16/10-column train/dev/test), sentences taken from the real files. QQP
 * train holds one question broken across two lines, which leaves two rows
 * with too few fields, as in the released QQP data. MRPC's header starts
 * with a byte-order mark, as the one the download script copies does.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const row = (...fields: string[]): string => fields.join('\t');
const file = (...lines: string[]): string => lines.map((l) => `${l}\n`).join('');

const MRPC_HEADER = row('Quality', '#1 ID', '#2 ID', '#1 String', '#2 String');
const MRPC_TEST_HEADER = row('index', '#1 ID', '#2 ID', '#1 String', '#2 String');
const STS_COLUMNS = ['index', 'genre', 'filename', 'year', 'old_index', 'source1', 'source2', 'sentence1', 'sentence2'];
const QQP_HEADER = row('id', 'qid1', 'qid2', 'question1', 'question2', 'is_duplicate');
const MNLI_COLUMNS = [
  'index', 'promptID', 'pairID', 'genre', 'sentence1_binary_parse', 'sentence2_binary_parse',
  'sentence1_parse', 'sentence2_parse', 'sentence1', 'sentence2',
];
const MNLI_TRAIN_HEADER = row(...MNLI_COLUMNS, 'label1', 'gold_label');
const MNLI_DEV_HEADER = row(...MNLI_COLUMNS, 'label1', 'label2', 'label3', 'label4', 'label5', 'gold_label');
const MNLI_TEST_HEADER = row(...MNLI_COLUMNS);

/** An MNLI row's first ten columns; the parse columns are filler with the real files' shape. */
function mnliPrefix(index: string, promptId: string, pairId: string, genre: string, s1: string, s2: string): string[] {
  return [index, promptId, pairId, genre, `( ${s1} )`, `( ${s2} )`, `(ROOT (S ${s1}))`, `(ROOT (S ${s2}))`, s1, s2];
}

/** File text by path relative to the glue_data root. */
export const GLUE_FIXTURE_FILES: Readonly<Record<string, string>> = {
  // CoLA train/dev: no header; source, label, original judgement, sentence.
  'CoLA/train.tsv': file(
    row('gj04', '1', '', "Our friends won't buy this analysis, let alone the next one we propose."),
    row('gj04', '0', '*', 'They drank the pub.'),
    row('cj99', '1', '', 'The sailors rode the breeze clear of the rocks.'),
  ),
  // The unbalanced quote would swallow the rest of the file under CSV quoting.
  'CoLA/dev.tsv': file(
    row('bc01', '0', '*', '"Mary said the book was good.'),
    row('bc01', '1', '', 'The more you eat, the more you want.'),
  ),
  'CoLA/test.tsv': file(
    row('index', 'sentence'),
    row('0', 'Bill whistled past the house.'),
    row('1', 'The car honked its way down the road.'),
  ),

  'SST-2/train.tsv': file(
    row('sentence', 'label'),
    row('hide new secretions from the parental units ', '0'),
    row('that loves its characters and communicates something rather beautiful about human nature ', '1'),
  ),
  'SST-2/dev.tsv': file(
    row('sentence', 'label'),
    row("it 's a charming and often affecting journey . ", '1'),
    row('unflinchingly bleak and desperate ', '0'),
  ),
  'SST-2/test.tsv': file(
    row('index', 'sentence'),
    row('0', 'uneasy mishmash of styles and genres .'),
    row('1', "this film 's relationship to actual tension is the same as what christmas-tree flocking in a spray can is to actual snow ."),
  ),

  'MRPC/train.tsv': '\uFEFF' + file(
    MRPC_HEADER,
    row('1', '702876', '702977',
      'Amrozi accused his brother , whom he called " the witness " , of deliberately distorting his evidence .',
      'Referring to him as only " the witness " , Amrozi accused his brother of deliberately distorting his evidence .'),
    row('0', '2108705', '2108831',
      "Yucaipa owned Dominick 's before selling the chain to Safeway in 1998 for $ 2.5 billion .",
      "Yucaipa bought Dominick 's in 1995 for $ 693 million and sold it to Safeway for $ 1.8 billion in 1998 ."),
  ),
  'MRPC/dev.tsv': file(
    MRPC_HEADER,
    row('1', '1355540', '1355592',
      "He said the foodservice pie business doesn 't fit the company 's long-term growth strategy .",
      '" The foodservice pie business does not fit our long-term growth strategy .'),
    row('0', '2029631', '2029565',
      'Magnarelli said Racicot hated the Iraqi regime and looked forward to using his long years of training in the war .',
      'His wife said he was " 100 percent behind George Bush " and looked forward to using his years of training in the war .'),
  ),
  'MRPC/test.tsv': file(
    MRPC_TEST_HEADER,
    row('0', '1089874', '1089925',
      "PCCW 's chief operating officer , Mike Butcher , and Alex Arena , the chief financial officer , will report directly to Mr So .",
      'Current Chief Operating Officer Mike Butcher and Group Chief Financial Officer Alex Arena will report to So .'),
    row('1', '3019446', '3019327',
      "The world 's two largest automakers said their U.S. sales declined more than predicted last month .",
      'Domestic sales at both GM and No. 2 Ford Motor Co. declined more than predicted .'),
  ),

  'STS-B/train.tsv': file(
    row(...STS_COLUMNS, 'score'),
    row('0', 'main-captions', 'MSRvid', '2012test', '0001', 'none', 'none', 'A plane is taking off.', 'An air plane is taking off.', '5.000'),
    row('1', 'main-captions', 'MSRvid', '2012test', '0004', 'none', 'none', 'A man is playing a large flute.', 'A man is playing a flute.', '3.800'),
  ),
  'STS-B/dev.tsv': file(
    row(...STS_COLUMNS, 'score'),
    row('0', 'main-captions', 'MSRvid', '2012test', '0000', 'none', 'none', 'A man with a hard hat is dancing.', 'A man wearing a hard hat is dancing.', '5.000'),
    row('1', 'main-captions', 'MSRvid', '2012test', '0002', 'none', 'none', 'A young child is riding a horse.', 'A child is riding a horse.', '4.750'),
  ),
  'STS-B/test.tsv': file(
    row(...STS_COLUMNS),
    row('0', 'main-captions', 'MSRvid', '2012test', '0024', 'none', 'none', 'A girl is styling her hair.', 'A girl is brushing her hair.'),
    row('1', 'main-captions', 'MSRvid', '2012test', '0033', 'none', 'none', 'A group of men play soccer on the beach.', 'A group of boys are playing soccer on the beach.'),
  ),

  // Lines 4 and 5 are one row broken by a newline inside question1: 4 and 3 fields.
  'QQP/train.tsv': file(
    QQP_HEADER,
    row('133273', '213221', '213222', 'How is the life of a math student? Could you describe your own experiences?', 'Which level of prepration is enough for the exam jlpt5?', '0'),
    row('402555', '536040', '536041', 'How do I control my horny emotions?', 'How do you control your horniness?', '1'),
    row('201841', '303345', '303346', '"Why do rockets look white?'),
    row('"', 'Why are rockets and boosters painted white?', '1'),
    row('360472', '364011', '490273', 'What causes stool color to change to yellow?', 'What can cause stool to come out as little balls?', '0'),
  ),
  'QQP/dev.tsv': file(
    QQP_HEADER,
    row('40066', '80019', '80020', 'Why are African-Americans so beautiful?', 'Why are hispanics so beautiful?', '0'),
    row('297561', '99151', '99152', 'Is there a reason why we should travel alone?', 'What are some reasons to travel alone?', '1'),
  ),
  'QQP/test.tsv': file(
    row('id', 'question1', 'question2'),
    row('0', 'How does the Surface Pro himself 4 compare with iPad Pro?', 'Why did Microsoft choose core m3 and not core i3 home Surface Pro 4?'),
    row('1', 'Should I have a hair transplant at age 24? How much would it cost?', 'How much cost does hair transplant require?'),
  ),

  'MNLI/train.tsv': file(
    MNLI_TRAIN_HEADER,
    row(...mnliPrefix('0', '31193', '31193n', 'government',
      'Conceptually cream skimming has two basic dimensions - product and geography.',
      'Product and geography are what make cream skimming work. '), 'neutral', 'neutral'),
    row(...mnliPrefix('1', '101457', '101457e', 'telephone',
      'you know during the season and i guess at at your level uh you lose them to the next level',
      'You lose the things to the following level if the people recall.'), 'entailment', 'entailment'),
    row(...mnliPrefix('2', '134793', '134793c', 'fiction',
      'Gays and lesbians.', 'Heterosexuals.'), 'contradiction', 'contradiction'),
  ),
  // Row 1's label1 differs from its gold label (the last column).
  'MNLI/dev_matched.tsv': file(
    MNLI_DEV_HEADER,
    row(...mnliPrefix('0', '63735', '63735n', 'slate',
      'The new rights are nice enough', 'Everyone really likes the newest benefits '),
      'neutral', 'entailment', 'neutral', 'neutral', 'neutral', 'neutral'),
    row(...mnliPrefix('1', '91383', '91383c', 'government',
      'This site includes a list of all award winners and a searchable database of Government Executive articles.',
      'The Government Executive articles housed on the website are not able to be searched.'),
      'entailment', 'contradiction', 'contradiction', 'contradiction', 'contradiction', 'contradiction'),
  ),
  'MNLI/dev_mismatched.tsv': file(
    MNLI_DEV_HEADER,
    row(...mnliPrefix('0', '75290', '75290c', 'letters',
      'Your contribution helped make it possible for us to provide our students with a quality education.',
      "Your contributions were of no help with our students' education."),
      'contradiction', 'contradiction', 'contradiction', 'contradiction', 'contradiction', 'contradiction'),
    row(...mnliPrefix('1', '133794', '133794e', 'verbatim',
      'The answer has nothing to do with their cause, however.', 'The answer is unrelated to their cause.'),
      'entailment', 'entailment', 'neutral', 'entailment', 'entailment', 'entailment'),
  ),
  'MNLI/test_matched.tsv': file(
    MNLI_TEST_HEADER,
    row(...mnliPrefix('0', '31493', '31493', 'travel',
      'Hierbas, ans seco, ans dulce, and frigola are just a few names worth keeping a look-out for.',
      'Hierbas is a name worth looking out for.')),
    row(...mnliPrefix('1', '92164', '92164', 'government',
      'The extent of the behavioral effects would depend in part on the structure of the individual account program.',
      'Many people would be very unhappy to loose control over their own money.')),
  ),
  'MNLI/test_mismatched.tsv': file(
    MNLI_TEST_HEADER,
    row(...mnliPrefix('0', '0', '0', 'letters',
      'What have you decided, what are you going to do?', "So what's your decision?")),
    row(...mnliPrefix('1', '1', '1', 'nineeleven',
      "The FAA's NEADS had no knowledge of the hijacking.", 'NEADS did not know about the hijacking.')),
  ),

  'QNLI/train.tsv': file(
    row('index', 'question', 'sentence', 'label'),
    row('0', 'When did the third Digimon series begin?',
      'Unlike the two seasons before it and most of the seasons that followed, Digimon Tamers takes a darker and more realistic approach to its story.',
      'not_entailment'),
    row('1', "What two things does Popper argue Tarski's theory involves in an evaluation of truth?",
      'He bases this interpretation on the fact that examples such as the one described above refer to two things: assertions and the facts to which they refer.',
      'entailment'),
  ),
  'QNLI/dev.tsv': file(
    row('index', 'question', 'sentence', 'label'),
    row('0', 'What came into force after the new constitution was herald?',
      'As of that day, the new constitution heralding the Second Republic came into force.', 'entailment'),
    row('1', 'What is the first major city in the stream of the Rhine?',
      'The most important tributaries in this area are the Ill below of Strasbourg, the Neckar in Mannheim and the Main across from Mainz.',
      'not_entailment'),
  ),
  'QNLI/test.tsv': file(
    row('index', 'question', 'sentence'),
    row('0', 'What organization is devoted to Jihad against Israel?',
      'For some decades prior to the First Palestine Intifada in 1987, the Muslim Brotherhood in Palestine took a "quiescent" stance towards Israel.'),
    row('1', 'In what century was the Yarrow-Schlick-Tweedy balancing system used?',
      'In the late 19th century, the Yarrow-Schlick-Tweedy balancing system was used on some marine triple expansion engines.'),
  ),

  'RTE/train.tsv': file(
    row('index', 'sentence1', 'sentence2', 'label'),
    row('0', 'No Weapons of Mass Destruction Found in Iraq Yet.', 'Weapons of Mass Destruction Found in Iraq.', 'not_entailment'),
    row('1', 'A place of sorrow, after Pope John Paul II died, became a place of celebration.',
      'Pope Benedict XVI is the new leader of the Roman Catholic Church.', 'entailment'),
  ),
  'RTE/dev.tsv': file(
    row('index', 'sentence1', 'sentence2', 'label'),
    row('0', 'Dana Reeve, the widow of the actor Christopher Reeve, has died of lung cancer at age 44.',
      'Christopher Reeve had an accident.', 'not_entailment'),
    row('1', 'Yet, we now are discovering that antibiotics are losing their effectiveness against illness.',
      'Bacteria is winning the war against antibiotics.', 'entailment'),
  ),
  'RTE/test.tsv': file(
    row('index', 'sentence1', 'sentence2'),
    row('0', 'Mangla was summoned after Madhumita\'s sister Nidhi Shukla, who was the first witness in the case.',
      'Shukla is related to Mangla.'),
    row('1', 'Authorities in Brazil say that more than 200 people are being held hostage in a prison.',
      'Authorities in Brazil hold 200 people as hostage.'),
  ),

  'WNLI/train.tsv': file(
    row('index', 'sentence1', 'sentence2', 'label'),
    row('0', 'I stuck a pin through a carrot. When I pulled the pin out, it had a hole.', 'The carrot had a hole.', '1'),
    row('1', "Steve follows Fred's example in everything. He influences him hugely.", 'Steve influences him hugely.', '0'),
  ),
  'WNLI/dev.tsv': file(
    row('index', 'sentence1', 'sentence2', 'label'),
    row('0', 'The drain is clogged with hair. It has to be cleaned.', 'The hair has to be cleaned.', '0'),
    row('1', 'Jane knocked on Susan\'s door but she did not answer.', 'Susan did not answer.', '1'),
  ),
  'WNLI/test.tsv': file(
    row('index', 'sentence1', 'sentence2'),
    row('0', 'Maude and Dora had seen the trains rushing across the prairie.', 'Horses ran away when Maude and Dora came into sight.'),
    row('1', 'The man lifted the boy onto his shoulders.', "The man lifted the boy onto the boy's shoulders."),
  ),

  'diagnostic/diagnostic.tsv': file(
    row('index', 'sentence1', 'sentence2'),
    row('0', 'The cat sat on the mat.', 'The cat did not sit on the mat.'),
    row('1', 'The cat did not sit on the mat.', 'The cat sat on the mat.'),
    row('2', 'When you have got no snow, it is really hard to learn a snow sport.', 'When you have got snow, it is really hard to learn a snow sport.'),
  ),
};

/**
 * Writes every fixture file under `root` (a fresh temp folder when omitted)
 * and returns the glue_data root to read from. The caller removes it.
 */
export async function writeGlueFixtures(root?: string): Promise<string> {
  const dir = root ?? (await mkdtemp(join(tmpdir(), 'bam-glue-')));
  for (const [path, text] of Object.entries(GLUE_FIXTURE_FILES)) {
    const target = join(dir, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text, 'utf8');
  }
  return dir;
}
