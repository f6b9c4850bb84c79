"""Write ``tests/data/torch_golden.npz``: PyTorch's own pooling outputs, to replay without torch.

Run by hand where torch is installed (it is not a project dependency)::

    python tests/make_torch_golden.py

It draws a few hundred random configurations from a fixed seed and records
``torch.nn.functional.max_pool2d(..., return_indices=True)`` (with padding,
dilation, ceil_mode) and ``avg_pool2d`` (count_include_pad True / False,
divisor_override, ceil_mode, padding) on float32 and float64 input full of
ties, NaN, -inf and +inf. ``tests/test_torch_golden.py`` replays them through
``pooling.pool2d`` and requires exact equality.

The file is in the one golden format (:mod:`golden`, read by
``golden.read_golden``): per configuration the settings of ``COLUMNS``
and the arrays ``x`` (the input, float64: float32 values are exact in
float64, ``dtype`` says which it was), ``values`` and, for max pooling,
``indices``.
"""

import argparse
import pathlib

import numpy as np
from golden import write_golden

COLUMNS = [
    "mode", "dtype", "ndim", "channels", "height", "width", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw",
    "ceil_mode", "count_include_pad", "divisor_override", "out_h", "out_w",
]
MODES = ["max", "avg"]
DTYPES = [np.float32, np.float64]
SEED = 20261121
DEFAULT_PATH = pathlib.Path(__file__).parent / "data" / "torch_golden.npz"


def random_input(rng, shape, dtype):
    """Ties (small integers), normal values, or special cells (NaN, -inf, +inf)."""
    style = rng.integers(3)
    if style == 0:
        x = rng.integers(-1, 3, size=shape).astype(np.float64)
    elif style == 1:
        x = rng.normal(scale=10.0, size=shape)
    else:
        pool = np.array([np.nan, -np.inf, np.inf, -np.inf, 0.0, 1.0, -1.0, 2.0])
        x = rng.choice(pool, size=shape)
        if rng.random() < 0.5:
            x[..., rng.integers(shape[-2]), :] = -np.inf
    return x.astype(dtype)


def random_config(rng):
    mode = int(rng.integers(len(MODES)))
    kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
    config = {
        "mode": mode,
        "dtype": int(rng.integers(len(DTYPES))),
        "ndim": int(rng.choice([2, 3])),
        "height": int(rng.integers(1, 11)),
        "width": int(rng.integers(1, 11)),
        "kh": kh,
        "kw": kw,
        "sh": int(rng.integers(1, 5)),
        "sw": int(rng.integers(1, 5)),
        "ph": int(rng.integers(0, kh // 2 + 1)),
        "pw": int(rng.integers(0, kw // 2 + 1)),
        "dh": 1,
        "dw": 1,
        "ceil_mode": int(rng.random() < 0.5),
        "count_include_pad": 1,
        "divisor_override": 0,
    }
    config["channels"] = 1 if config["ndim"] == 2 else int(rng.integers(1, 4))
    if MODES[mode] == "max" and rng.random() < 0.5:
        config["dh"], config["dw"] = (int(v) for v in rng.integers(1, 4, size=2))
    if MODES[mode] == "avg":
        config["count_include_pad"] = int(rng.random() < 0.5)
        if rng.random() < 0.2:
            config["divisor_override"] = int(rng.choice([1, 2, 3, 5]))
    return config


def torch_pool(torch, x, config):
    """PyTorch's output (values, indices or None) for one configuration; None if it rejects it."""
    import torch.nn.functional as F

    t = torch.from_numpy(x if x.ndim == 3 else x[None])
    kernel, stride = (config["kh"], config["kw"]), (config["sh"], config["sw"])
    padding, ceil_mode = (config["ph"], config["pw"]), bool(config["ceil_mode"])
    try:
        if MODES[config["mode"]] == "max":
            dilation = (config["dh"], config["dw"])
            # Windows of padding only give -inf in PyTorch; the core rejects them: skip.
            ones = F.max_pool2d(torch.ones_like(t), kernel, stride, padding, dilation, ceil_mode)
            if torch.isinf(ones).any():
                return None
            values, indices = F.max_pool2d(t, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
        else:
            values = F.avg_pool2d(t, kernel, stride, padding, ceil_mode, bool(config["count_include_pad"]),
                                  config["divisor_override"] or None)
            indices = None
    except RuntimeError:
        return None
    values = values.numpy()
    indices = None if indices is None else indices.numpy()
    if x.ndim == 2:
        values = values[0]
        indices = None if indices is None else indices[0]
    return values, indices


def generate(n_configs, seed=SEED):
    import torch

    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < n_configs:
        config = random_config(rng)
        shape = (config["height"], config["width"])
        if config["ndim"] == 3:
            shape = (config["channels"],) + shape
        x = random_input(rng, shape, DTYPES[config["dtype"]])
        out = torch_pool(torch, x, config)
        if out is None:
            continue
        v, i = out
        config["out_h"], config["out_w"] = v.shape[-2:]
        config["x"], config["values"] = x.astype(np.float64), v.astype(np.float64)
        if i is not None:
            config["indices"] = i.astype(np.int64)
        cases.append(config)
    return cases, torch.__version__


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_PATH)
    args = parser.parse_args()
    cases, version = generate(args.configs, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_golden(args.out, cases, COLUMNS, version)
    print(f"{len(cases)} configurations from torch {version} -> {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
