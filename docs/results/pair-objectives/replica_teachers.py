"""The demo's recipe on the PyTorch replica: pre-training, then one teacher per task.

An independent check of the engine's results and a fast bench for
pre-training objectives (a 2-layer run takes minutes on a CPU). The model is
scripts/fixtures/bert_torch.py (Hugging Face's BERT, op for op) with dropout
0.1 where Hugging Face puts it and Hugging Face's initialisation. Data come
from dump-suite.mjs (the same token ids the engine sees).

Pre-training follows DEMO_RECIPE: 6,000 steps of 64 documents, AdamW
(eps 1e-6, weight decay 0.01 except LayerNorm and biases) at 1e-3 with 10%
warm-up and linear decay, clipping at 1; masked LM (15%, 80/10/10) and
BERT's next-sentence task on the two-sentence documents. Documents are drawn
at random rather than in length groups. OBJ adds one label-free objective
on a per-token head (dense, GELU, dense), its loss added with weight 1, on
tokens not chosen for masking (WEIGHT scales it; default 1):
  none    nothing more (the recipe);
  match   for each token of a two-segment row: is it absent from the other
          segment? (a word-by-word comparison of the two sentences);
  rtd     ELECTRA's replaced-token detection with a uniform generator: 15%
          of those tokens are replaced by a random ordinary token; which?

Fine-tuning is the recipe's: 10 epochs, batch 32, 3e-4, BERT's AdamW without
bias correction, layer-wise decay 0.9, 10% warm-up, clipping at 1, both
sentence orders for paraphrase and similarity. Dev is scored after every
epoch; the line gives the last score (as the engine reports) and the curve.

With a suite whose pairs include identical sentences (dump-suite.mjs ORACLE=1, the synonym
oracle), a pair task's line is followed by its dev accuracy on identical and on other pairs.

READOUT=mean (a diagnostic, not BERT's) has the pooler read the mean of the
last hidden states instead of [CLS].

INIT=<folder> fine-tunes the encoder of a Hugging Face folder the engine
pre-trained (`bam pretrain`'s or `bam demo`'s cached `model/`, on the same
suite and vocabulary) instead of pre-training here: with the same encoder,
the engine's fine-tuning and this one can be compared, and so can the two
pre-trainings.

PRE_OPT=bert pre-trains with the engine's optimiser (BERT's AdamW, no bias
correction) instead of torch.optim.AdamW; fine-tuning uses it either way.

PRE_INIT=<file.safetensors> starts pre-training from those weights (every
parameter of the pre-training model, named as here) instead of Hugging Face's
initialisation; the engine's own initial weights can be written so, which
separates the start from everything else pre-training does (SEED still draws
the batches and the dropout masks).

STREAM=<file> pre-trains on batches read from a file (engine-stream.mjs writes
the engine's own stream: its epoch shuffles, next-sentence partners, masks and
token-match answers) instead of drawing them here; with OBJ=match only.
ENGINE_MASKS=philox:<seed>:<calls> pre-trains with the engine's own dropout
masks (engine_dropout.py: Generator(seed) after <calls> draws; bam demo's
4-layer model leaves 32 after its initialisation) instead of torch's;
fine-tuning keeps torch's. '<seed>:<calls>' draws the earlier engine's masks
(a PCG hash, before bc6c5c4), as the logged runs before the switch did.
WRITE_STREAM=<file> writes the replica's own STEPS batches to such a file and
stops, for the engine to train on (engine-on-stream.mjs).

env: SUITE (the dump), SEED (pre-training), FTSEED, STEPS, H, L, HEADS, OBJ, PRE_INIT, STREAM, WRITE_STREAM, ENGINE_MASKS,
WEIGHT, READOUT, INIT, PRE_OPT, TASKS (comma-separated), THREADS. The dump and the pre-trained encoders
(.pt files, reused by later runs) go in the working folder, so run both from a
scratch folder, after a build (needs torch; CPU is enough):
    mkdir -p /tmp/replica && cd /tmp/replica
    node <repo>/docs/results/pair-objectives/dump-suite.mjs
    OBJ=match python3 <repo>/docs/results/pair-objectives/replica_teachers.py
"""
import json
import math
import os
import random
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'scripts', 'fixtures'))
import bert_torch as bt  # noqa: E402
from bert_torch_training import add_dropout, bert_adam_step, hf_init, layerwise_groups, use_attention_dropout, warmup_linear  # noqa: E402
from st_io import load_safetensors  # noqa: E402

env = os.environ.get
SEED, FTSEED = int(env('SEED', 0)), int(env('FTSEED', env('SEED', 0)))
H, L, STEPS, OBJ = int(env('H', 64)), int(env('L', 2)), int(env('STEPS', 6000)), env('OBJ', 'none')
READOUT = env('READOUT', 'cls')
PRE_OPT = env('PRE_OPT', 'torch')  # pre-training optimiser: torch's AdamW, or 'bert' (the engine's: no bias correction)
PRE_INIT = env('PRE_INIT')  # the pre-training model's initial weights, instead of hf_init's
STREAM = env('STREAM')  # a file of pre-training batches (engine-stream.mjs's format) instead of pretraining_batch's
INIT = env('INIT')  # an engine-pre-trained Hugging Face folder to fine-tune instead of pre-training here
WEIGHT = float(env('WEIGHT', 1))
HEADS = int(env('HEADS', max(1, H // 16)))
TASKS = env('TASKS', 'syn-sentiment,syn-acceptability,syn-entailment,syn-paraphrase,syn-similarity').split(',')
DROP, MAX_LEN, PRE_BATCH, HELD_OUT = 0.1, 40, 64, 500
if PRE_OPT not in ('torch', 'bert'):
    raise SystemExit(f'PRE_OPT must be torch or bert, got {PRE_OPT!r}')
if OBJ not in ('none', 'match', 'rtd'):
    raise SystemExit(f'OBJ must be none, match or rtd, got {OBJ!r}')
WRITE_STREAM = env('WRITE_STREAM')
ENGINE_MASKS = env('ENGINE_MASKS')  # 'philox:<seed>:<calls>' (or the earlier engine's '<seed>:<calls>'): dropout masks in pre-training
if (STREAM or WRITE_STREAM) and OBJ != 'match':
    raise SystemExit('a batch stream holds token-match answers: STREAM and WRITE_STREAM need OBJ=match')
torch.set_num_threads(int(env('THREADS', 1)))
SUITE = env('SUITE', 'suite-s0.json')
data = json.load(open(SUITE))
V, special = len(data['vocab']), data['special']
PAD, CLS, SEP, MASK = special['[PAD]'], special['[CLS]'], special['[SEP]'], special['[MASK]']
SPECIAL = set(special.values())
ORDINARY = [i for i in range(V) if i not in SPECIAL]
cfg = dict(vocab_size=V, hidden_size=H, num_hidden_layers=L, num_attention_heads=HEADS, intermediate_size=4 * H,
           max_position_embeddings=64, type_vocab_size=2, layer_norm_eps=1e-12, pad_token_id=PAD, num_labels=2,
           hidden_act='gelu')


use_attention_dropout(DROP)


def frame(a, b):
    """[CLS] a [SEP] (b [SEP]) truncated longest-first as the engine does; (ids, type ids, len(a))."""
    a, b = list(a), None if b is None else list(b)
    room = MAX_LEN - (2 if b is None else 3)
    if b is None:
        a = a[:room]
    else:
        while len(a) + len(b) > room:
            (a if len(a) > len(b) else b).pop()
    ids = [CLS] + a + [SEP] + ([] if b is None else b + [SEP])
    return ids, [0] * (len(a) + 2) + ([] if b is None else [1] * (len(b) + 1)), len(a)


def pad(rows, value):
    t = max(len(r) for r in rows)
    return torch.tensor([r + [value] * (t - len(r)) for r in rows])


class Pretrainer(nn.Module):
    def __init__(self):
        super().__init__()
        self.bert = bt.BertModel(cfg)
        self.transform = bt.BertPredictionHeadTransform(cfg)
        self.mlm_bias = nn.Parameter(torch.zeros(V))  # the decoder is the tied word-embedding table
        self.nsp = nn.Linear(H, 2)
        self.token_head = nn.Sequential(nn.Linear(H, H), nn.GELU(), nn.Linear(H, 2))


def pretraining_batch(corpus, rng):
    """Inputs and the three kinds of targets (-100: not scored) for one step."""
    ids, types, nsp, token_targets = [], [], [], []
    for r in [rng.randrange(len(corpus)) for _ in range(PRE_BATCH)]:
        a, b = corpus[r]
        label = -100
        if b is not None:
            label = 0
            if rng.random() < 0.5:  # another document's second (or only) sentence
                o = rng.randrange(len(corpus))
                o = (o + 1) % len(corpus) if o == r else o
                b, label = corpus[o][1] or corpus[o][0], 1
        x, tt, na = frame(a, b)
        ids.append(x)
        types.append(tt)
        nsp.append(label)
        target = [-100] * len(x)
        if b is not None:  # match: 1 where the token does not occur in the other segment
            first, second = set(x[1:1 + na]), set(x[2 + na:-1])
            for i in range(1, 1 + na):
                target[i] = int(x[i] not in second)
            for i in range(2 + na, len(x) - 1):
                target[i] = int(x[i] not in first)
        token_targets.append(target)
    mlm, inputs = [[-100] * len(x) for x in ids], [list(x) for x in ids]
    for bi, x in enumerate(ids):
        for i, tok in enumerate(x):
            if tok not in SPECIAL and rng.random() < 0.15:
                mlm[bi][i], token_targets[bi][i] = tok, -100
                u = rng.random()
                if u < 0.8:
                    inputs[bi][i] = MASK
                elif u < 0.9:
                    inputs[bi][i] = ORDINARY[rng.randrange(len(ORDINARY))]
    if OBJ == 'rtd':
        for bi, x in enumerate(ids):
            for i, tok in enumerate(x):
                if tok in SPECIAL or mlm[bi][i] != -100:
                    token_targets[bi][i] = -100
                elif rng.random() < 0.15:
                    w = ORDINARY[rng.randrange(len(ORDINARY))]
                    inputs[bi][i], token_targets[bi][i] = w, int(w != tok)
                else:
                    token_targets[bi][i] = 0
    attention = pad([[1] * len(x) for x in ids], 0)
    return (pad(inputs, PAD), pad(types, 0), attention), pad(mlm, -100), torch.tensor(nsp), pad(token_targets, -100)


def stream_batches(path):
    """Batches as pretraining_batch returns them, read from engine-stream.mjs's file: per step an int32 T, then
    int16 ids [B*T] (masked, padded), int8 type ids, int16 masked-LM answers (-100: none), int16 next-sentence
    labels [B] and int8 token-match answers (-100: none)."""
    import numpy as np
    with open(path, 'rb') as f:
        while True:
            head = f.read(4)
            if len(head) < 4:
                raise SystemExit(f'STREAM={path}: the file ends before the run does')
            t = int(np.frombuffer(head, '<i4')[0])
            n = PRE_BATCH * t

            def take(dtype, count):
                a = np.frombuffer(f.read(count * np.dtype(dtype).itemsize), dtype)
                if a.size != count:
                    raise SystemExit(f'STREAM={path}: a batch is cut short')
                return torch.from_numpy(a.astype(np.int64))
            ids, types, mlm = take('<i2', n).view(PRE_BATCH, t), take('i1', n).view(PRE_BATCH, t), take('<i2', n).view(PRE_BATCH, t)
            nsp, targets = take('<i2', PRE_BATCH), take('i1', n).view(PRE_BATCH, t)
            yield (ids, types, (ids != PAD).long()), mlm, nsp, targets


def write_stream(path):
    """The replica's own STEPS batches (random.Random(SEED), as pretrain draws them), in stream_batches' format."""
    import numpy as np
    rng, corpus = random.Random(SEED), data['corpus'][:-HELD_OUT]
    with open(path, 'wb') as f:
        for _ in range(STEPS):
            (ids, types, _), mlm, nsp, targets = pretraining_batch(corpus, rng)
            f.write(np.int32(ids.shape[1]).astype('<i4').tobytes())
            for a, dtype in ((ids, '<i2'), (types, 'i1'), (mlm, '<i2'), (nsp, '<i2'), (targets, 'i1')):
                f.write(a.numpy().astype(dtype).tobytes())
    print(f'{path}: {STEPS} batches of pre-training seed {SEED}', flush=True)


def pretrain():
    path = (f'pre-s{SEED}-h{H}-l{L}-heads{HEADS}-s{STEPS}-{OBJ}' + (f'-w{WEIGHT:g}' if WEIGHT != 1 else '')
            + ('-bertadam' if PRE_OPT == 'bert' else '')
            + (f'-init-{os.path.splitext(os.path.basename(PRE_INIT))[0]}' if PRE_INIT else '')
            + (f'-stream-{os.path.splitext(os.path.basename(STREAM))[0]}' if STREAM else '')
            + (f'-engine-masks-{ENGINE_MASKS.replace(":", "-")}' if ENGINE_MASKS else '') + '.pt')
    if os.path.exists(path):
        return torch.load(path)
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    m = Pretrainer()
    hf_init(m)
    if PRE_INIT:
        m.load_state_dict({k: t.float() for k, t in load_safetensors(PRE_INIT)[0].items()}, strict=True)
    attention_forward = None
    if ENGINE_MASKS:
        import engine_dropout
        attention_forward = engine_dropout.install(bt, m.bert, DROP, engine_dropout.EngineGenerator.from_spec(ENGINE_MASKS))
    else:
        add_dropout(m.bert, DROP)
    corpus = data['corpus'][:-HELD_OUT]
    no_decay = lambda n: 'LayerNorm' in n or n.endswith('bias')  # noqa: E731
    opt = torch.optim.AdamW([dict(params=[p for n, p in m.named_parameters() if not no_decay(n)], weight_decay=0.01),
                             dict(params=[p for n, p in m.named_parameters() if no_decay(n)], weight_decay=0.0)],
                            lr=1e-3, eps=1e-6)
    warm = int(0.1 * STEPS)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: warmup_linear(s, STEPS, warm))
    bert_groups = [(p, 1.0, 0.0 if no_decay(n) else 0.01) for n, p in m.named_parameters()]
    bert_moments = {}
    t0 = time.time()
    batches = stream_batches(STREAM) if STREAM else None
    for step in range(STEPS):
        inputs, mlm, nsp, token_targets = next(batches) if batches else pretraining_batch(corpus, rng)
        h, pooled = m.bert(*inputs)
        chosen = mlm != -100
        logits = m.transform(h[chosen]) @ m.bert.embeddings.word_embeddings.weight.T + m.mlm_bias
        loss = F.cross_entropy(logits, mlm[chosen])
        log = [f'mlm {loss.item():.3f}']
        if (nsp != -100).any():
            nsp_loss = F.cross_entropy(m.nsp(pooled), nsp, ignore_index=-100)
            loss = loss + nsp_loss
            log.append(f'nsp {nsp_loss.item():.3f}')
        scored = token_targets != -100
        if OBJ != 'none' and scored.any():
            out = m.token_head(h[scored])
            token_loss = F.cross_entropy(out, token_targets[scored])
            loss = loss + (token_loss if WEIGHT == 1 else WEIGHT * token_loss)
            acc = (out.argmax(-1) == token_targets[scored]).float().mean().item()
            log.append(f'{OBJ} {token_loss.item():.3f} (accuracy {acc:.3f}, all-0 {(token_targets[scored] == 0).float().mean().item():.3f})')
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        if PRE_OPT == 'bert':  # the same groups, lr and weight decay, stepped as the engine steps them
            bert_adam_step(bert_groups, bert_moments, 1e-3 * warmup_linear(step, STEPS, warm))
        else:
            opt.step()
            sched.step()
        if (step + 1) % 1000 == 0 or step + 1 == STEPS:
            print(f'pre-training step {step + 1}: ' + ', '.join(log) + f'; {time.time() - t0:.0f} s', flush=True)
    if attention_forward:  # fine-tuning draws torch's masks again
        bt.BertSelfAttention.forward = attention_forward
    state = dict(m.bert.state_dict())
    torch.save(state, path)
    return state


def score(metric, pred, gold):
    if metric == 'pearson':
        p, g = torch.tensor(pred), torch.tensor(gold)
        p, g = p - p.mean(), g - g.mean()
        return (p @ g / (p.norm() * g.norm() + 1e-12)).item()
    pred, gold = torch.tensor(pred), torch.tensor(gold)
    if metric == 'accuracy':
        return (pred == gold).float().mean().item()
    tp = ((pred == 1) & (gold == 1)).sum().item()
    fp = ((pred == 1) & (gold == 0)).sum().item()
    fn = ((pred == 0) & (gold == 1)).sum().item()
    tn = ((pred == 0) & (gold == 0)).sum().item()
    if metric == 'f1':
        return 2 * tp / max(1, 2 * tp + fp + fn)
    d = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))  # mcc
    return (tp * tn - fp * fn) / d if d > 0 else 0.0


def finetune(state, name, lr=3e-4, epochs=10, batch=32):
    task = data['tasks'][name]
    torch.manual_seed(FTSEED)
    rng = random.Random(FTSEED)
    regression = task['kind'] == 'regression'
    bert = bt.BertModel(cfg)
    hf_init(bert)
    bert.load_state_dict(state)
    add_dropout(bert, DROP)
    if READOUT == 'mean':  # the pooler reads the mean over real tokens instead of [CLS]
        def mean_pool(h, mask):
            return torch.tanh(bert.pooler.dense((h * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)))
    head = nn.Linear(H, task['nLabels'])
    nn.init.normal_(head.weight, 0, 0.02)
    nn.init.zeros_(head.bias)
    train = list(task['train'])
    if task['symmetric']:
        train += [[b, a, y] for a, b, y in train]
    named = [('bert.' + n, p) for n, p in bert.named_parameters()] + [('classifier.' + n, p) for n, p in head.named_parameters()]
    groups = layerwise_groups(named, L)
    per_epoch = math.ceil(len(train) / batch)
    total, warm, moments, step = per_epoch * epochs, int(0.1 * per_epoch * epochs), {}, 0

    def forward(rows):
        framed = [frame(a, b) for a, b, _ in rows]
        ids, types = pad([f[0] for f in framed], PAD), pad([f[1] for f in framed], 0)
        mask = pad([[1] * len(f[0]) for f in framed], 0)
        last, pooled = bert(ids, types, mask)
        if READOUT == 'mean':
            pooled = mean_pool(last, mask)
        return head(F.dropout(pooled, DROP, bert.training))

    curve = []
    for _ in range(epochs):
        bert.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        for i in range(0, len(train), batch):
            rows = [train[j] for j in order[i:i + batch]]
            out = forward(rows)
            y = torch.tensor([r[2] for r in rows])
            loss = F.mse_loss(out[:, 0], y.float()) if regression else F.cross_entropy(out, y)
            for p, _, _ in groups:
                p.grad = None
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p, _, _ in groups], 1.0)
            bert_adam_step(groups, moments, lr * warmup_linear(step, total, warm))
            step += 1
        bert.eval()
        with torch.no_grad():
            out = torch.cat([forward(task['dev'][i:i + 128]) for i in range(0, len(task['dev']), 128)])
        pred = out[:, 0].tolist() if regression else out.argmax(-1).tolist()
        curve.append(score(task['metric'], pred, [r[2] for r in task['dev']]))
    return curve, pred


def identical_split(dev, pred):
    """Dev accuracy on pairs whose two sentences are the same token ids, and on the rest (the oracle's test)."""
    parts = []
    for same in (True, False):
        idx = [i for i, (a, b, _) in enumerate(dev) if b is not None and (a == b) == same]
        ok = sum(pred[i] == dev[i][2] for i in idx)
        parts.append(f'{"identical" if same else "different"} {len(idx)} pairs, accuracy {100 * ok / max(1, len(idx)):.1f}')
    return '; '.join(parts)


def load_engine_encoder(folder):
    """The encoder of a Hugging Face folder the engine wrote (bam pretrain's <out>/model): its bert.* tensors."""
    vocab = open(os.path.join(folder, 'vocab.txt')).read().split('\n')
    if [v for v in vocab if v] != data['vocab']:
        raise SystemExit(f'INIT={folder}: its vocab.txt is not the dump\'s vocabulary')
    tensors, _ = load_safetensors(os.path.join(folder, 'model.safetensors'))
    return {k[len('bert.'):]: t.float() for k, t in tensors.items() if k.startswith('bert.')}


def short(folder):
    """A folder's last two names (the cache entry and model/), enough to tell encoders apart in the log."""
    return os.path.join(*os.path.normpath(os.path.abspath(folder)).split(os.sep)[-2:])


def main():
    if WRITE_STREAM:
        return write_stream(WRITE_STREAM)
    state = load_engine_encoder(INIT) if INIT else pretrain()
    for name in TASKS:
        c, pred = finetune(state, name)
        # An INIT encoder was pre-trained elsewhere: the pre-training settings here say nothing of it.
        encoder = (f'fine-tuning seed {FTSEED}, L={L} H={H} init={short(INIT)}' if INIT else
                   f'pre-training seed {SEED}, fine-tuning seed {FTSEED}, L={L} H={H} steps={STEPS} obj={OBJ}'
                   + (f' weight={WEIGHT:g}' if WEIGHT != 1 else '') + (' pre_opt=bert' if PRE_OPT == 'bert' else '')
                   + (f' pre_init={os.path.basename(PRE_INIT)}' if PRE_INIT else '')
                   + (f' stream={os.path.basename(STREAM)}' if STREAM else '')
                   + (f' engine_masks={ENGINE_MASKS}' if ENGINE_MASKS else ''))
        print(f'{name} ({encoder}'
              + (f' readout={READOUT}' if READOUT != 'cls' else '')
              + (f' suite={os.path.basename(SUITE)}' if SUITE != 'suite-s0.json' else '')
              + (f' corpus={data["corpusVersion"]}' if data.get('corpusVersion', 1) != 1 else '') + '): '
              f'{100 * c[-1]:.1f}; by epoch ' + ' '.join(f'{100 * x:.0f}' for x in c), flush=True)
        dev = data['tasks'][name]['dev']
        if data['tasks'][name]['kind'] == 'classification' and any(a == b for a, b, _ in dev):
            print(f'  dev {identical_split(dev, pred)}', flush=True)


if __name__ == '__main__':
    main()
