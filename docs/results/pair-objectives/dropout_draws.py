"""Train-mode losses of one batch over many dropout draws, in the replica (dropout-draws.mjs: the engine).

Dropout is the one part of pre-training the replica cannot take from the
engine (their random streams differ), so its effect is compared in
distribution: an encoder folder's masked-LM and next-sentence losses on one
of same_batches.py's batches, in eval mode and over DRAWS train-mode draws
(dropout 0.1 where Hugging Face puts it). Run in the folder same_batches.py
wrote to, after it:
    FOLDER=<Hugging Face BertForPreTraining folder> python3 dropout_draws.py
With ENGINE_MASKS=philox:<seed>:<calls> the replica draws the engine's own masks
(engine_dropout.py: Generator(seed) after <calls> draws; '<seed>:<calls>' for the
earlier engine's, before bc6c5c4; dropout-draws.mjs's
model is Generator(1) after fromPretrained's 30), so the first draws must
print the engine's losses exactly.
env: FOLDER, BATCH (250), DRAWS (60), L (4), ENGINE_MASKS.
"""
import json
import os
import sys

os.environ.setdefault('L', '4')
sys.path.insert(0, os.path.dirname(__file__))
import replica_teachers as rt  # noqa: E402
import torch  # noqa: E402
from torch.nn import functional as F  # noqa: E402
from bert_torch_training import add_dropout, use_attention_dropout  # noqa: E402
from st_io import load_safetensors  # noqa: E402

folder, draws = os.environ['FOLDER'], int(os.environ.get('DRAWS', 60))
t, _ = load_safetensors(os.path.join(folder, 'model.safetensors'))
m = rt.Pretrainer()
m.bert.load_state_dict({k[5:]: v.float() for k, v in t.items() if k.startswith('bert.')})
m.transform.load_state_dict({k[len('cls.predictions.transform.'):]: v.float() for k, v in t.items() if k.startswith('cls.predictions.transform.')})
with torch.no_grad():
    m.mlm_bias.copy_(t['cls.predictions.bias'])
    m.nsp.weight.copy_(t['cls.seq_relationship.weight'])
    m.nsp.bias.copy_(t['cls.seq_relationship.bias'])
if os.environ.get('ENGINE_MASKS'):
    import bert_torch as bt
    import engine_dropout
    engine_dropout.install(bt, m.bert, 0.1, engine_dropout.EngineGenerator.from_spec(os.environ['ENGINE_MASKS']))
else:
    use_attention_dropout(0.1)
    add_dropout(m.bert, 0.1)
b = json.load(open('same-batches.json'))['batches'][int(os.environ.get('BATCH', 250))]
B, T = len(b['nsp']), b['T']
ids, types, att = (torch.tensor(b[k]).view(B, T) for k in ('ids', 'types', 'att'))
pos, lab, nsp = torch.tensor(b['pos']), torch.tensor(b['lab']), torch.tensor(b['nsp'])


def losses():
    h, pooled = m.bert(ids, types, att)
    logits = m.transform(h.reshape(B * T, -1)[pos]) @ m.bert.embeddings.word_embeddings.weight.T + m.mlm_bias
    return F.cross_entropy(logits, lab).item(), F.cross_entropy(m.nsp(pooled), nsp, ignore_index=-100).item()


torch.manual_seed(1)
with torch.no_grad():
    m.eval()
    ev = losses()
    m.train()
    x = torch.tensor([losses() for _ in range(draws)])
print('replica: first draws ' + '; '.join(f'mlm {a:.5f} nsp {b:.5f}' for a, b in x[:3].tolist()))
print(f'replica: eval mlm {ev[0]:.4f}, nsp {ev[1]:.4f}; {draws} train-mode draws: mlm {x[:, 0].mean():.4f} ± {x[:, 0].std():.4f}, '
      f'nsp {x[:, 1].mean():.4f} ± {x[:, 1].std():.4f}')
