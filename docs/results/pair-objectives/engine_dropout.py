"""The engine's dropout masks in torch, for replica_teachers.py ENGINE_MASKS and dropout_draws.py.

The engine keeps an element when rng_u01(k0, k1, i) >= p: PCG's output hash
twice over the element's row-major index i (packages/core/src/kernels/wgsl.ts),
with one key (k0, k1) per dropout call from Generator.nextKey
(packages/core/src/random/hash.ts). Calls come in the engine's order: the
embeddings, then per layer the attention probabilities, the attention output
and the feed-forward output. `install` puts these masks where add_dropout and
use_attention_dropout put torch's.
"""
import math

import numpy as np
import torch

_M = np.uint64(0xFFFFFFFF)


def pcg_hash(v):
    v = np.asarray(v, dtype=np.uint64) & _M
    s = (v * np.uint64(747796405) + np.uint64(2891336453)) & _M
    w = (((s >> ((s >> np.uint64(28)) + np.uint64(4))) ^ s) * np.uint64(277803737)) & _M
    return ((w >> np.uint64(22)) ^ w) & _M


class EngineGenerator:
    """Generator(seed) after `calls` draws: the keys, and the keep-masks they give."""

    def __init__(self, seed, calls):
        self.seed, self.calls = seed, calls

    @classmethod
    def from_spec(cls, spec):
        """The ENGINE_MASKS form the scripts take: '<seed>:<calls>'."""
        seed, calls = (int(x) for x in spec.split(':'))
        return cls(seed, calls)

    def next_key(self):
        c = self.calls
        self.calls += 1
        k0 = int(pcg_hash((self.seed ^ int(pcg_hash(c))) & 0xFFFFFFFF))
        k1 = int(pcg_hash((k0 + 0x9E3779B9 + int(pcg_hash((c + 0x85EBCA6B) & 0xFFFFFFFF))) & 0xFFFFFFFF))
        return k0, k1

    def keep(self, shape, p):
        k0, k1 = self.next_key()
        i = np.arange(int(np.prod(shape)), dtype=np.uint64)
        u = pcg_hash((pcg_hash(i ^ np.uint64(k0)) + np.uint64(k1)) & _M)
        return torch.from_numpy(((u >> np.uint64(8)).astype(np.float64) * 2.0 ** -24 >= p).reshape(shape))


def install(bt, bert, p, gen):
    """Dropout p on `bert` from `gen`'s masks (hidden: hooks; attention: patches bt.BertSelfAttention.forward,
    which the caller restores afterwards). Returns the original attention forward."""
    def drop(m, _, o):
        return o * gen.keep(tuple(o.shape), p).to(o.dtype) / (1 - p) if m.training else o
    bert.embeddings.register_forward_hook(drop)
    for layer in bert.encoder.layer:
        layer.attention.output.dense.register_forward_hook(drop)
        layer.output.dense.register_forward_hook(drop)
    original = bt.BertSelfAttention.forward

    def forward(self, h, extended_mask):
        q, k, v = self.split(self.query(h)), self.split(self.key(h)), self.split(self.value(h))
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + extended_mask, dim=-1)
        if self.training:
            probs = probs * gen.keep(tuple(probs.shape), p).to(probs.dtype) / (1 - p)
        ctx = (probs @ v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], -1)
    bt.BertSelfAttention.forward = forward
    return original
