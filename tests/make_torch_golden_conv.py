"""Write ``tests/data/torch_golden_conv.npz``: PyTorch's own ``conv2d`` outputs, to replay without torch.

Run by hand where torch is installed (it is not a project dependency)::

    python tests/make_torch_golden_conv.py

It draws random configurations from a fixed seed (channels, groups,
filters, rectangular kernels, stride, dilation, padding as numbers,
``"valid"`` or ``"same"``, with and without bias) and records
``torch.nn.functional.conv2d`` on float32 and float64 input. Half the
inputs and weights are small integers, whose sums are exact in both
dtypes, so ``tests/test_conv.py`` can require equality on them; the other
half are normal numbers, compared to a few float32 ulps.

The file is in the one golden format (:mod:`golden`): per configuration
the settings of ``COLUMNS`` and the arrays ``x``, ``weight``, ``bias``
(where ``has_bias``) and ``output``, as float64 (float32 values are exact
in float64; ``dtype`` says which they were).
"""

import argparse
import pathlib

import numpy as np
from golden import write_golden

COLUMNS = [
    "dtype", "integers", "channels", "height", "width", "filters", "groups", "kh", "kw", "sh", "sw",
    "padding_kind", "ph", "pw", "dh", "dw", "has_bias", "out_h", "out_w",
]
DTYPES = [np.float32, np.float64]
PADDING_KINDS = ["numbers", "valid", "same"]
SEED = 20261126
DEFAULT_PATH = pathlib.Path(__file__).parent / "data" / "torch_golden_conv.npz"


def padding_arg(config):
    """The ``padding`` argument of a configuration, for conv2d here and in torch alike."""
    kind = PADDING_KINDS[config["padding_kind"]]
    return (config["ph"], config["pw"]) if kind == "numbers" else kind


def random_config(rng):
    groups = int(rng.choice([1, 1, 1, 2, 3]))
    config = {
        "dtype": int(rng.integers(len(DTYPES))),
        "integers": int(rng.random() < 0.5),
        "channels": groups * int(rng.integers(1, 3)),
        "height": int(rng.integers(1, 11)),
        "width": int(rng.integers(1, 11)),
        "filters": groups * int(rng.integers(1, 4)),
        "groups": groups,
        "kh": int(rng.integers(1, 5)),
        "kw": int(rng.integers(1, 5)),
        "sh": int(rng.integers(1, 4)),
        "sw": int(rng.integers(1, 4)),
        "padding_kind": int(rng.choice([0, 0, 1, 2])),
        "ph": int(rng.integers(0, 4)),
        "pw": int(rng.integers(0, 4)),
        "dh": int(rng.choice([1, 1, 2, 3])),
        "dw": int(rng.choice([1, 1, 2, 3])),
        "has_bias": int(rng.random() < 0.7),
    }
    if PADDING_KINDS[config["padding_kind"]] == "same":
        config["sh"] = config["sw"] = 1
    return config


def random_values(rng, shape, integers, dtype):
    x = rng.integers(-3, 4, size=shape).astype(np.float64) if integers else rng.normal(size=shape)
    return x.astype(dtype)


def main(path=DEFAULT_PATH, n_cases=300):
    import torch

    rng = np.random.default_rng(SEED)
    cases = []
    while len(cases) < n_cases:
        c = random_config(rng)
        dtype = DTYPES[c["dtype"]]
        x = random_values(rng, (c["channels"], c["height"], c["width"]), c["integers"], dtype)
        w = random_values(rng, (c["filters"], c["channels"] // c["groups"], c["kh"], c["kw"]), c["integers"], dtype)
        b = random_values(rng, (c["filters"],), c["integers"], dtype)
        try:
            out = torch.nn.functional.conv2d(
                torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b) if c["has_bias"] else None,
                stride=(c["sh"], c["sw"]), padding=padding_arg(c), dilation=(c["dh"], c["dw"]),
                groups=c["groups"]).numpy()
        except RuntimeError:  # the kernel does not fit: conv2d refuses it here too, tested apart
            continue
        c["out_h"], c["out_w"] = out.shape[1:]
        c.update(x=x.astype(np.float64), weight=w.astype(np.float64), output=out.astype(np.float64))
        if c["has_bias"]:
            c["bias"] = b.astype(np.float64)
        cases.append(c)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_golden(path, cases, COLUMNS, torch.__version__)
    print(f"wrote {len(cases)} cases to {path} with torch {torch.__version__}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_PATH)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    main(args.out, args.cases)
