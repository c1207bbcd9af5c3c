"""Means and Mann–Whitney p-values of the replica's teachers, from log.txt.

Reads every teacher line of log.txt (both of its line formats), keeps the
[CLS]-readout runs of one pre-training length (STEPS, default 30000) and
depth (LAYERS, default 2), and compares two objectives (A and B, default
none and match) task by task. It reads the runs whose command (the '$'
line above them) names the data WHERE names, and no other: by default none
(the suite and corpus as dumped for the recipe); WHERE='CORPUS_VERSION=2'
or WHERE='CORPUS_VERSION=2 SUITE=suite-s0-oracle.json', say, for the runs
on corpus version 2 or on the synonym oracle's suite. The unit is a
pre-training seed: each seed's score is its mean over fine-tuning seeds,
since fine-tuning runs from one encoder are not independent. The test is the
two-sided exact Mann–Whitney U over those per-seed means (as `bam compare`
uses), so with n seeds a side the smallest p it can give is 2 / C(2n, n).

    python3 docs/results/pair-objectives/summarise.py [log.txt]
"""
import os
import re
import sys
from collections import defaultdict
from statistics import mean

from scipy.stats import mannwhitneyu

STEPS, LAYERS = int(os.environ.get('STEPS', 30000)), int(os.environ.get('LAYERS', 2))
A, B = os.environ.get('A', 'none'), os.environ.get('B', 'match')
DATA_KEYS = ('SUITE', 'CORPUS_VERSION')  # what a command may name of its data


def data_named(text):
    return {w for w in text.split() if w.split('=')[0] in DATA_KEYS}


WHERE = data_named(os.environ.get('WHERE', ''))
TASKS = ['syn-sentiment', 'syn-acceptability', 'syn-entailment', 'syn-paraphrase', 'syn-similarity']
NEW = re.compile(r'^(syn-\w+) \(pre-training seed (\d+), fine-tuning seed (\d+), L=(\d+) H=\d+ steps=(\d+) obj=(\w+)([^)]*)\): (-?[\d.]+)')
# The first runs' format: the objective as 'xm 0.0' (none) or 'xm 1.0' (match), the steps in the command above.
OLD = re.compile(r'^(syn-\w+) seed (\d+) ftseed (\d+) xm ([\d.]+): final (-?[\d.]+)')
HEADER = re.compile(r'^\$ STEPS=(\d+)')
SPLIT = re.compile(r'^  dev identical (\d+) pairs, accuracy ([\d.]+); different (\d+) pairs, accuracy ([\d.]+)')

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'log.txt')
scores = defaultdict(dict)  # (objective, task) -> {(pre seed, ft seed): score}
splits = defaultdict(dict)  # (objective, task) -> {(pre seed, ft seed): (identical accuracy, different accuracy)}
last = None  # the (objective, task, run) of the teacher line just read, when it was kept
DATA_MARK = re.compile(r' (suite|corpus)=\S+')  # what a line says of its data; the command says it too
steps, selected = None, not WHERE
for line in open(path):
    if line.startswith('$ '):
        selected = data_named(line) == WHERE
    if m := HEADER.match(line):
        steps = int(m.group(1))
    elif not selected:
        continue
    elif m := NEW.match(line):
        task, pre, ft, layers, s, obj, extra, score = m.groups()
        last = None
        # another weight or readout is another experiment
        if int(s) == STEPS and int(layers) == LAYERS and not DATA_MARK.sub('', extra).strip():
            scores[(obj, task)][(int(pre), int(ft))] = float(score)
            last = (obj, task, (int(pre), int(ft)))
    elif (m := SPLIT.match(line)) and last:
        splits[last[:2]][last[2]] = (float(m.group(2)), float(m.group(4)))
    elif (m := OLD.match(line)) and steps == STEPS and LAYERS == 2:
        task, pre, ft, xm, score = m.groups()
        scores[('none' if float(xm) == 0 else 'match', task)][(int(pre), int(ft))] = float(score)


def per_seed(obj, task):
    by_seed = defaultdict(list)
    for (pre, _), v in scores[(obj, task)].items():
        by_seed[pre].append(v)
    return {pre: mean(v) for pre, v in sorted(by_seed.items())}


print(f'{LAYERS} layers, {STEPS} pre-training steps{", " + " ".join(sorted(WHERE)) if WHERE else ""}. Each pre-training seed: its mean over fine-tuning seeds (how many in brackets).\n')
print(f'| task | {A}, by pre-training seed | {B}, by pre-training seed | {A} | {B} | p |')
print('|---|---|---|---|---|---|')
for task in TASKS:
    a, b = per_seed(A, task), per_seed(B, task)
    if not a and not b:
        continue
    counts = lambda obj, seeds: {pre: sum(1 for (p, _) in scores[(obj, task)] if p == pre) for pre in seeds}  # noqa: E731
    show = lambda d, c: ', '.join(f'{v:.1f} [{c[k]}]' for k, v in d.items()) or '–'  # noqa: E731
    avg = lambda d: f'{mean(d.values()):.1f}' if d else '–'  # noqa: E731
    # one side without runs has no test
    p = f"{mannwhitneyu(list(a.values()), list(b.values()), alternative='two-sided', method='exact').pvalue:.3f}" if a and b else '–'
    print(f'| {task[4:]} | {show(a, counts(A, a))} | {show(b, counts(B, b))} | {avg(a)} | {avg(b)} | {p} |')

if splits:
    print('\nDev accuracy on pairs whose two sentences are identical, and on the others (mean over every run):\n')
    print('| task | objective | identical | different | runs |')
    print('|---|---|---|---|---|')
    for task in TASKS:
        for obj in (A, B):
            if v := list(splits[(obj, task)].values()):
                print(f'| {task[4:]} | {obj} | {mean(x for x, _ in v):.1f} | {mean(y for _, y in v):.1f} | {len(v)} |')
