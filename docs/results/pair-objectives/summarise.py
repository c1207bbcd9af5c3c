"""Means and Mann–Whitney p-values of the replica's teachers, from log.txt.

Reads every teacher line of log.txt (both of its line formats), keeps the
[CLS]-readout runs on the suite as dumped (not the oracle's) of one
pre-training length (STEPS, default 30000) and depth (LAYERS, default 2), and
compares two objectives (A and B, default none and match) task by task. The
unit is a pre-training seed: each seed's score is its mean over fine-tuning
seeds, since fine-tuning runs from one encoder are not independent. The
test is the two-sided exact Mann–Whitney U over those per-seed means (as
`bam compare` uses), so with n seeds a side the smallest p it can give is
2 / C(2n, n).

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
TASKS = ['syn-sentiment', 'syn-acceptability', 'syn-entailment', 'syn-paraphrase', 'syn-similarity']
NEW = re.compile(r'^(syn-\w+) \(pre-training seed (\d+), fine-tuning seed (\d+), L=(\d+) H=\d+ steps=(\d+) obj=(\w+)([^)]*)\): (-?[\d.]+)')
# The first runs' format: the objective as 'xm 0.0' (none) or 'xm 1.0' (match), the steps in the command above.
OLD = re.compile(r'^(syn-\w+) seed (\d+) ftseed (\d+) xm ([\d.]+): final (-?[\d.]+)')
HEADER = re.compile(r'^\$ STEPS=(\d+)')

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'log.txt')
scores = defaultdict(dict)  # (objective, task) -> {(pre seed, ft seed): score}
steps, other_suite = None, False
for line in open(path):
    if line.startswith('$ '):  # a command: its runs are on another suite when it names one
        other_suite = 'SUITE=' in line
    if m := HEADER.match(line):
        steps = int(m.group(1))
    elif other_suite:
        continue
    elif m := NEW.match(line):
        task, pre, ft, layers, s, obj, extra, score = m.groups()
        # another weight, readout or suite is another experiment
        if int(s) == STEPS and int(layers) == LAYERS and not extra.strip():
            scores[(obj, task)][(int(pre), int(ft))] = float(score)
    elif (m := OLD.match(line)) and steps == STEPS and LAYERS == 2:
        task, pre, ft, xm, score = m.groups()
        scores[('none' if float(xm) == 0 else 'match', task)][(int(pre), int(ft))] = float(score)


def per_seed(obj, task):
    by_seed = defaultdict(list)
    for (pre, _), v in scores[(obj, task)].items():
        by_seed[pre].append(v)
    return {pre: mean(v) for pre, v in sorted(by_seed.items())}


print(f'{LAYERS} layers, {STEPS} pre-training steps. Each pre-training seed: its mean over fine-tuning seeds (how many in brackets).\n')
print(f'| task | {A}, by pre-training seed | {B}, by pre-training seed | {A} | {B} | p |')
print('|---|---|---|---|---|---|')
for task in TASKS:
    a, b = per_seed(A, task), per_seed(B, task)
    if not a or not b:
        continue
    counts = lambda obj, seeds: {pre: sum(1 for (p, _) in scores[(obj, task)] if p == pre) for pre in seeds}  # noqa: E731
    show = lambda d, c: ', '.join(f'{v:.1f} [{c[k]}]' for k, v in d.items())  # noqa: E731
    p = mannwhitneyu(list(a.values()), list(b.values()), alternative='two-sided', method='exact').pvalue
    print(f'| {task[4:]} | {show(a, counts(A, a))} | {show(b, counts(B, b))} | {mean(a.values()):.1f} | {mean(b.values()):.1f} | {p:.3f} |')
