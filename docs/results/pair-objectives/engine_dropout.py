"""The engine's dropout masks in torch, for replica_teachers.py ENGINE_MASKS and dropout_draws.py.

The engine keeps an element when rng_u01(k0, k1, i) >= p, over the element's
row-major index i, with one key (k0, k1) per dropout call from
Generator.nextKey. Calls come in the engine's order: the embeddings, then per
layer the attention probabilities, the attention output and the feed-forward
output. `install` puts these masks where add_dropout and
use_attention_dropout put torch's.

Two generators, named by the spec's prefix:
- 'philox:<seed>:<calls>': the engine's Philox4x32-10 (packages/core/src/random/generator.ts):
  element i of call c is lane i % 4 of the block at counter (i / 4, 0, c, 0), key (seed, 0).
- '<seed>:<calls>': the engine's earlier generator, PCG's output hash twice over the
  index under a hashed per-call key. docs/results/README.md's runs up to
  "Which draws fail" used it, so their logged commands still reproduce.
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
    """The earlier engine's Generator(seed) after `calls` draws: the keys, and the keep-masks they give."""

    def __init__(self, seed, calls):
        self.seed, self.calls = seed, calls

    @classmethod
    def from_spec(cls, spec):
        """The ENGINE_MASKS form the scripts take: 'philox:<seed>:<calls>', or '<seed>:<calls>' for this generator."""
        if spec.startswith('philox:'):
            seed, calls = (int(x) for x in spec[len('philox:'):].split(':'))
            return PhiloxGenerator(seed, calls)
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


def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 (Salmon et al. 2011) over arrays of counters; Random123's known answers check it (__main__)."""
    c0, c1, c2, c3 = (np.asarray(x, dtype=np.uint64) & _M for x in (c0, c1, c2, c3))
    k0, k1 = np.uint64(k0), np.uint64(k1)
    for _ in range(10):
        p0, p1 = np.uint64(0xD2511F53) * c0, np.uint64(0xCD9E8D57) * c2
        c0, c1, c2, c3 = ((p1 >> np.uint64(32)) ^ c1 ^ k0) & _M, p1 & _M, ((p0 >> np.uint64(32)) ^ c3 ^ k1) & _M, p0 & _M
        k0, k1 = (k0 + np.uint64(0x9E3779B9)) & _M, (k1 + np.uint64(0xBB67AE85)) & _M
    return c0, c1, c2, c3


class PhiloxGenerator:
    """The engine's Generator(seed) after `calls` draws: uniforms, Box-Muller normals and keep-masks, call by call."""

    def __init__(self, seed, calls):
        self.seed, self.calls = seed, calls

    def u32(self, n):
        c = self.calls
        self.calls += 1
        out = np.stack(philox4x32(np.arange((n + 3) // 4, dtype=np.uint64), 0, c, 0, self.seed, 0), axis=1)
        return out.reshape(-1)[:n]

    def normal(self, n):
        """As the engine's randn: u1 from element 2i (in (0, 1]), u2 from 2i+1."""
        u = self.u32(2 * n) >> np.uint64(8)
        u1 = (u[0::2] + 1).astype(np.float64) * 2.0 ** -24
        return np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u[1::2].astype(np.float64) * 2.0 ** -24)

    def keep(self, shape, p):
        u = (self.u32(int(np.prod(shape))) >> np.uint64(8)).astype(np.float64) * 2.0 ** -24
        return torch.from_numpy((u >= p).reshape(shape))


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


if __name__ == '__main__':
    hexes = lambda words: [f'{int(w):08x}' for w in words]
    f = 0xFFFFFFFF
    assert hexes(philox4x32(0, 0, 0, 0, 0, 0)) == ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']
    assert hexes(philox4x32(f, f, f, f, f, f)) == ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']
    assert hexes(philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0)) == ['d16cfe09', '94fdcceb', '5001e420', '24126ea1']
    print("Philox4x32-10 gives Random123's known answers")
