"""Writes an encoder the replica pre-trained (a .pt of replica_teachers.py) as a Hugging Face folder.

The reverse of replica_teachers.py's INIT: the engine (`bam experiment --model`,
`bam train --model`) can then fine-tune the replica's encoder, so that both
fine-tunings are compared on both pre-trainings.

    python3 replica_to_hf.py <encoder.pt> <suite dump .json> <out folder>

The folder holds config.json (BERT's keys), vocab.txt (the dump's vocabulary)
and model.safetensors (the encoder's tensors as bert.*, float32).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'scripts', 'fixtures'))
from st_io import save_safetensors  # noqa: E402

pt, dump, out = sys.argv[1:4]
state = torch.load(pt)
vocab = json.load(open(dump))['vocab']
layers = 1 + max(int(k.split('.')[2]) for k in state if k.startswith('encoder.layer.'))
hidden = state['embeddings.word_embeddings.weight'].shape[1]
heads = int(os.environ.get('HEADS', max(1, hidden // 16)))
config = {
    'architectures': ['BertModel'], 'model_type': 'bert', 'vocab_size': len(vocab), 'hidden_size': hidden,
    'num_hidden_layers': layers, 'num_attention_heads': heads,
    'intermediate_size': state['encoder.layer.0.intermediate.dense.weight'].shape[0],
    'hidden_act': 'gelu', 'hidden_dropout_prob': 0.1, 'attention_probs_dropout_prob': 0.1,
    'max_position_embeddings': state['embeddings.position_embeddings.weight'].shape[0],
    'type_vocab_size': state['embeddings.token_type_embeddings.weight'].shape[0],
    'initializer_range': 0.02, 'layer_norm_eps': 1e-12, 'pad_token_id': 0, 'position_embedding_type': 'absolute',
}
os.makedirs(out, exist_ok=True)
json.dump(config, open(os.path.join(out, 'config.json'), 'w'), indent=2)
open(os.path.join(out, 'vocab.txt'), 'w').write('\n'.join(vocab) + '\n')
save_safetensors(os.path.join(out, 'model.safetensors'), {'bert.' + k: t.to(torch.float32) for k, t in state.items()})
print(f'{out}: {layers} layers, hidden {hidden}, {heads} heads, {len(state)} tensors')
