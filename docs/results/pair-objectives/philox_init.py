"""Philox initial weights in the engine's layout, for replica_teachers.py PRE_INIT (the run "Philox draws" in log.txt).

Takes a PRE_INIT file as the template of names and shapes (engine-init.mjs's, at a build before bc6c5c4) and
redraws each of its random tensors, in the file's order, from engine_dropout.PhiloxGenerator(SEED): Box-Muller
normals with std 0.02 as the engine's randn draws them, a zero row (the padding token) kept zero. Constant
tensors (LayerNorm, biases) are copied. Leaves SEED's generator after one call per random tensor (32 here),
so ENGINE_MASKS=philox:<SEED>:32 continues the same stream, as the engine's dropout follows its initialisation.
    SEED=0 python3 philox_init.py engine-init-s0.safetensors   → philox-init-s0.safetensors
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'scripts', 'fixtures'))
from st_io import load_safetensors, save_safetensors  # noqa: E402
from engine_dropout import PhiloxGenerator  # noqa: E402

seed = int(os.environ.get('SEED', 0))
template, _ = load_safetensors(sys.argv[1])
generator = PhiloxGenerator(seed, 0)
out = {}
for name, t in template.items():
    if float(t.float().std()) <= 1e-3:  # LayerNorm weights and biases: constants, drawn by nothing
        out[name] = t
        continue
    w = torch.from_numpy((generator.normal(t.numel()) * 0.02).astype(np.float32)).reshape(t.shape)
    if t.ndim == 2:
        w[(t == 0).all(dim=1)] = 0
    out[name] = w
save_safetensors(f'philox-init-s{seed}.safetensors', out)
print(f'philox-init-s{seed}.safetensors: {len(out)} tensors, {generator.calls} drawn; ENGINE_MASKS=philox:{seed}:{generator.calls}')
