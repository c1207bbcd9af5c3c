"""The copy task of copy-task.mjs on the PyTorch replica of the engine's BERT.

A is 8 random words, B is A or A with one word replaced (half each, no label
noise). The model is scripts/fixtures/bert_torch.py (Hugging Face's BERT, op
for op) from a random initialisation as Hugging Face draws it, with dropout
where Hugging Face puts it, fine-tuned with the recipe's trainer written out:
BERT's AdamW without bias correction (weight decay 0.01 except LayerNorm and
biases), layer-wise learning-rate decay 0.9, 10% warm-up then linear decay,
clipping at global norm 1, batch 32. If this model learns the task and the
engine does not, the fault is in the engine's fine-tuning path.

PRE (steps, default 0) first pre-trains the encoder without labels on fresh
pairs of the same kind (A random, B = A), batch 64, AdamW at 1e-3 with 10%
warm-up, on one of three objectives (OBJ) that read B's tokens:
  tlm   15% of B's words are [MASK]ed and predicted (the answer is in A);
  rtd   15% of B's words are replaced by random words, and a per-token head
        says which were (ELECTRA's replaced-token detection across the pair);
  both  15% masked and predicted, another 15% replaced and detected.
SEQ=1 adds a sentence-level head on the pooled [CLS] (BERT's pooler): was any
word of B replaced? (rtd and both only; its loss is added to the token loss.)

env: N (training pairs), EPOCHS, FTLR, L (layers), H (hidden), HEADS, DROP,
SEED, PRE, OBJ, READOUT (cls: the pooler on [CLS] as BERT; mean: the pooler on
the mean of the last hidden states, a diagnostic). Needs torch (CPU is enough):
    N=8000 FTLR=1e-3 python3 docs/results/pair-edit-kinds/copy_task_torch.py
"""
import math
import os
import random
import sys

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'scripts', 'fixtures'))
import bert_torch as bt  # noqa: E402
from bert_torch_training import add_dropout, bert_adam_step, hf_init, layerwise_groups, use_attention_dropout, warmup_linear  # noqa: E402

env = os.environ.get
N, EPOCHS, LR = int(env('N', 2000)), int(env('EPOCHS', 10)), float(env('FTLR', 3e-4))
L, H, DROP, SEED = int(env('L', 2)), int(env('H', 64)), float(env('DROP', 0.1)), int(env('SEED', 0))
HEADS = int(env('HEADS', max(1, H // 16)))
WORDS, BATCH, LAYER_DECAY = 200, 32, 0.9
PAD, CLS, SEP, MASK, FIRST_WORD = 0, 1, 2, 3, 5
PRE, OBJ, READOUT, SEQ = int(env('PRE', 0)), env('OBJ', 'both'), env('READOUT', 'cls'), int(env('SEQ', 0))
if SEQ and OBJ == 'tlm':
    raise SystemExit('SEQ=1 needs replaced words: OBJ=rtd or both')
torch.manual_seed(SEED)
torch.set_num_threads(int(env('THREADS', 1)))
data_rng = random.Random(7)
cfg = dict(vocab_size=FIRST_WORD + WORDS, hidden_size=H, num_hidden_layers=L, num_attention_heads=HEADS,
           intermediate_size=4 * H, max_position_embeddings=64, type_vocab_size=2, layer_norm_eps=1e-12,
           pad_token_id=PAD, num_labels=2, hidden_act='gelu')


def make(n):
    rows, labels = [], []
    for _ in range(n):
        a = [FIRST_WORD + data_rng.randrange(WORDS) for _ in range(8)]
        b, same = list(a), data_rng.random() < 0.5
        if not same:
            j = data_rng.randrange(8)
            b[j] = next(w for w in iter(lambda: FIRST_WORD + data_rng.randrange(WORDS), None) if w != a[j])
        rows.append([CLS] + a + [SEP] + b + [SEP])
        labels.append(int(same))
    ids = torch.tensor(rows)
    return ids, torch.tensor([[0] * 10 + [1] * 9] * n), torch.ones_like(ids), torch.tensor(labels)


def build():
    use_attention_dropout(DROP)
    model = bt.BertForSequenceClassification(cfg)
    hf_init(model)
    add_dropout(model.bert, DROP)
    # The classifier reads dropout(pooled).
    model.bert.pooler.register_forward_hook(lambda m, i, o: F.dropout(o, DROP, m.training))
    if READOUT == 'mean':  # the pooler reads the mean over positions instead of [CLS]
        model.bert.pooler.forward = lambda h: torch.tanh(model.bert.pooler.dense(h.mean(1)))
    return model


def pretrain(model):
    """PRE label-free steps on (A, B = A corrupted); the per-token head is dropped afterwards."""
    vocab = FIRST_WORD + WORDS
    head = nn.Sequential(nn.Linear(H, H), nn.GELU(), nn.Linear(H, 2 if OBJ == 'rtd' else vocab))
    seq_head = nn.Linear(H, 2) if SEQ else None  # built only when used, so runs without it draw as before
    params = list(model.bert.parameters()) + list(head.parameters()) + (list(seq_head.parameters()) if SEQ else [])
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01, eps=1e-6)
    warm = int(0.1 * PRE)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: warmup_linear(s, PRE, warm))
    model.train()
    for step in range(PRE):
        a = torch.randint(FIRST_WORD, vocab, (64, 8))
        b, u = a.clone(), torch.rand(64, 8)
        masked = u < 0.15 if OBJ != 'rtd' else torch.zeros_like(u, dtype=torch.bool)
        replaced = (u >= 0.15) & (u < 0.30) if OBJ != 'tlm' else torch.zeros_like(masked)
        b[replaced] = torch.randint(FIRST_WORD, vocab, (int(replaced.sum()),))
        # Targets: the word under a mask; elsewhere (rtd, both) 1 if replaced by another word, else 0.
        target = torch.where(masked, a, (b != a).long()) if OBJ != 'tlm' else torch.where(masked, a, -100)
        b[masked] = MASK
        ids = torch.cat([torch.full((64, 1), CLS), a, torch.full((64, 1), SEP), b, torch.full((64, 1), SEP)], 1)
        h, pooled = model.bert(ids, torch.tensor([[0] * 10 + [1] * 9] * 64), torch.ones_like(ids))
        out = head(h[:, 10:18])
        loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), target.reshape(-1), ignore_index=-100)
        if SEQ:
            any_replaced = (replaced & (b != a)).any(1).long()
            seq_out = seq_head(pooled)
            loss = loss + F.cross_entropy(seq_out, any_replaced)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        if (step + 1) % max(1, PRE // 5) == 0:
            keep = target != -100
            acc = (out.argmax(-1)[keep] == target[keep]).float().mean().item()
            seq = f', sentence accuracy {(seq_out.argmax(-1) == any_replaced).float().mean().item():.3f}' if SEQ else ''
            print(f'pre-training ({OBJ}{" + sentence" if SEQ else ""}) step {step + 1}: loss {loss.item():.4f}, token accuracy {acc:.3f}{seq}')



def main():
    train, dev = make(N), make(400)
    model = build()
    if PRE:
        pretrain(model)
    params = layerwise_groups(model.named_parameters(), L, LAYER_DECAY)
    moments = {}
    per_epoch = math.ceil(N / BATCH)
    total, warm = per_epoch * EPOCHS, int(0.1 * per_epoch * EPOCHS)
    step = 0
    for epoch in range(EPOCHS):
        model.train()
        order, losses = torch.randperm(N), []
        for i in range(0, N, BATCH):
            idx = order[i:i + BATCH]
            loss = F.cross_entropy(model(train[0][idx], train[1][idx], train[2][idx])[2], train[3][idx])
            model.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            bert_adam_step(params, moments, LR * warmup_linear(step, total, warm))
            losses.append(loss.item())
            step += 1
        model.eval()
        with torch.no_grad():
            dev_acc = (model(*dev[:3])[2].argmax(-1) == dev[3]).float().mean().item()
            k = min(N, 1000)
            train_acc = (model(*[t[:k] for t in train[:3]])[2].argmax(-1) == train[3][:k]).float().mean().item()
        print(f'epoch {epoch + 1}: train loss {sum(losses) / len(losses):.4f}, train acc {train_acc:.3f}, dev acc {dev_acc:.3f}')
    print(f'copy task on the PyTorch replica, N={N} L={L} H={H} heads={HEADS} dropout={DROP} lr={LR} '
          f'epochs={EPOCHS} seed={SEED}' + (f' pre-trained {PRE} steps on {OBJ}' + (' + sentence' if SEQ else '') if PRE else '') + (f' readout {READOUT}' if READOUT != 'cls' else '') + f': dev accuracy {dev_acc:.3f} (train {train_acc:.3f})')


if __name__ == '__main__':
    main()
