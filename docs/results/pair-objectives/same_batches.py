"""The replica's pre-training steps without dropout, for the engine to follow (same-batches.mjs).

Same start, same batches, no dropout: what is left between the two
pre-trainings is their arithmetic (the model, the three losses, clipping and
BERT's AdamW without bias correction). This builds the replica's pre-training
model as replica_teachers.py does (Hugging Face's initialisation, seed 0),
draws N of its batches, takes N steps with the engine's optimiser and writes,
in the working folder:
  same-batches-init.safetensors  every initial weight, under the engine's names;
  same-batches.json              the batches (inputs, flat positions and answers)
                                 and the replica's losses and gradient norm per step.
Run from the suite dump's folder (needs torch; CPU is enough), then the engine:
    N=300 python3 <repo>/docs/results/pair-objectives/same_batches.py
    node <repo>/docs/results/pair-objectives/same-batches.mjs
ENGINE_MASKS=philox:<seed>:<calls> keeps dropout (0.1, where Hugging Face puts it) and draws the engine's own
masks (engine_dropout.py: Generator(seed) after <calls> draws; '<seed>:<calls>' the earlier engine's, whose
same-batches.mjs needs a build before bc6c5c4); the engine then draws the same ones, so
the comparison covers dropout's backward too, at the pre-training's own shapes.
env: SUITE, L (4), N (steps, 300), TOTAL and WARM (the schedule: 1000, 100), LR (1e-3), ENGINE_MASKS, THREADS.
"""
import json
import os
import random
import sys

os.environ.setdefault('L', '4')
os.environ['OBJ'] = 'match'
sys.path.insert(0, os.path.dirname(__file__))
import replica_teachers as rt  # noqa: E402
import torch  # noqa: E402
from torch.nn import functional as F  # noqa: E402
from bert_torch_training import bert_adam_step, hf_init, use_attention_dropout, warmup_linear  # noqa: E402
from st_io import save_safetensors  # noqa: E402

env = os.environ.get
N, TOTAL, WARM, LR = int(env('N', 300)), int(env('TOTAL', 1000)), int(env('WARM', 100)), float(env('LR', 1e-3))
MASKS = env('ENGINE_MASKS')
use_attention_dropout(0.0)  # and no add_dropout: no hidden dropout unless ENGINE_MASKS installs the engine's


def engine_name(n):
    """The engine's name for a parameter of replica_teachers.Pretrainer (BertForPreTraining's, and token_match.*)."""
    for mine, theirs in (('transform.', 'cls.predictions.transform.'), ('nsp.', 'cls.seq_relationship.'),
                         ('token_head.0.', 'token_match.dense.'), ('token_head.2.', 'token_match.classifier.')):
        if n.startswith(mine):
            return theirs + n[len(mine):]
    return 'cls.predictions.bias' if n == 'mlm_bias' else n


torch.manual_seed(0)
rng = random.Random(0)
m = rt.Pretrainer()
hf_init(m)
if MASKS:
    import engine_dropout
    engine_dropout.install(rt.bt, m.bert, 0.1, engine_dropout.EngineGenerator.from_spec(MASKS))
m.train()
named = {engine_name(n): p for n, p in m.named_parameters()}
save_safetensors('same-batches-init.safetensors', {k: p.detach().clone().contiguous() for k, p in named.items()})
no_decay = lambda n: 'LayerNorm' in n or n.endswith('bias')  # noqa: E731
groups = [(p, 1.0, 0.0 if no_decay(n) else 0.01) for n, p in named.items()]
corpus = rt.data['corpus'][:-rt.HELD_OUT]
moments, batches, log = {}, [], []
for step in range(N):
    (ids, types, att), mlm, nsp, targets = rt.pretraining_batch(corpus, rng)
    chosen, scored = mlm != -100, targets != -100
    batches.append(dict(T=ids.shape[1], ids=ids.flatten().tolist(), types=types.flatten().tolist(), att=att.flatten().tolist(),
                        pos=chosen.flatten().nonzero().flatten().tolist(), lab=mlm[chosen].tolist(), nsp=nsp.tolist(),
                        mpos=scored.flatten().nonzero().flatten().tolist(), mlab=targets[scored].tolist()))
    h, pooled = m.bert(ids, types, att)
    mlm_loss = F.cross_entropy(m.transform(h[chosen]) @ m.bert.embeddings.word_embeddings.weight.T + m.mlm_bias, mlm[chosen])
    nsp_loss = F.cross_entropy(m.nsp(pooled), nsp, ignore_index=-100)
    match_loss = F.cross_entropy(m.token_head(h[scored]), targets[scored])
    for p, _, _ in groups:
        p.grad = None
    (mlm_loss + nsp_loss + match_loss).backward()
    norm = torch.nn.utils.clip_grad_norm_([p for p, _, _ in groups], 1.0).item()
    bert_adam_step(groups, moments, LR * warmup_linear(step, TOTAL, WARM))
    log.append([mlm_loss.item(), nsp_loss.item(), match_loss.item(), norm])
json.dump(dict(B=rt.PRE_BATCH, vocab=rt.V, layers=rt.L, hidden=rt.H, heads=rt.HEADS, total=TOTAL, warm=WARM, lr=LR, masks=MASKS,
               batches=batches, log=log), open('same-batches.json', 'w'))
print(f'same-batches.json: {N} steps; last: mlm {log[-1][0]:.4f}, nsp {log[-1][1]:.4f}, match {log[-1][2]:.4f}')
