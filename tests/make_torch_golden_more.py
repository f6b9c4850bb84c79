"""Write ``tests/data/torch_golden_more.npz``: PyTorch's adaptive, fractional and backward results.

Run by hand where torch is installed (it is not a project dependency)::

    python tests/make_torch_golden_more.py

The file is in the one golden format (:mod:`golden`). Each case has the
settings of ``COLUMNS`` (``kind`` indexes ``KINDS``, ``dtype`` ``DTYPES``;
a setting its kind does not use is 0), the input ``x`` and PyTorch's
outputs: ``values`` and ``indices`` for the forward kinds (no ``indices``
for adaptive-avg), ``grad_out`` and ``grad_in`` for the backward ones,
``samples`` for fractional pooling. ``tests/test_torch_golden_more.py``
replays them without torch.
"""

import pathlib

import numpy as np
from golden import write_golden

KINDS = ["adaptive-max", "adaptive-avg", "fractional", "backward-max", "backward-avg"]
DTYPES = [np.float32, np.float64]
COLUMNS = ["kind", "dtype", "oh", "ow", "kh", "kw", "k", "s", "p"]
SEED = 20261122
PATH = pathlib.Path(__file__).parent / "data" / "torch_golden_more.npz"


def main():
    import torch  # only here: pytest imports this file for doctests, where torch may be missing
    import torch.nn.functional as F

    rng = np.random.default_rng(SEED)
    cases = []
    for kind in KINDS:
        for _ in range(60):
            c, h, w = int(rng.integers(1, 3)), int(rng.integers(2, 12)), int(rng.integers(2, 12))
            x = rng.integers(-2, 3, (c, h, w)).astype(np.float32)
            if kind != "adaptive-avg" and rng.random() < 0.3:
                x[rng.random(x.shape) < 0.15] = np.nan
            t = torch.from_numpy(x.copy())
            out = dict.fromkeys(COLUMNS, 0)
            out["kind"] = KINDS.index(kind)
            if kind.startswith("adaptive"):
                oh, ow = int(rng.integers(1, h + 3)), int(rng.integers(1, w + 3))
                out["oh"], out["ow"] = oh, ow
                if kind == "adaptive-max":
                    v, i = F.adaptive_max_pool2d(t, (oh, ow), return_indices=True)
                    out["indices"] = i.numpy()
                else:
                    x = rng.random((c, h, w)).astype(np.float32)
                    v = F.adaptive_avg_pool2d(torch.from_numpy(x), (oh, ow))
                out["values"] = v.numpy()
            elif kind == "fractional":
                kh, kw = int(rng.integers(1, min(h, 4) + 1)), int(rng.integers(1, min(w, 4) + 1))
                oh, ow = int(rng.integers(1, h - kh + 2)), int(rng.integers(1, w - kw + 2))
                samples = rng.random((c, 2)).astype(np.float32)
                v, i = F.fractional_max_pool2d(t[None], (kh, kw), output_size=(oh, ow), return_indices=True,
                                               _random_samples=torch.from_numpy(samples)[None])
                out.update(kh=kh, kw=kw, oh=oh, ow=ow, samples=samples)
                out["values"], out["indices"] = v[0].numpy(), i[0].numpy()
            else:
                x = rng.normal(size=(c, h, w)).astype(np.float64)
                if rng.random() < 0.5:
                    x = np.round(x)  # ties
                k = int(rng.integers(1, min(h, w, 4) + 1))
                s = int(rng.integers(1, 3))
                p = int(rng.integers(0, k // 2 + 1))
                t = torch.from_numpy(x).requires_grad_()
                y = F.max_pool2d(t, k, s, p) if kind == "backward-max" else F.avg_pool2d(t, k, s, p)
                g = rng.normal(size=tuple(y.shape))
                y.backward(torch.from_numpy(g))
                out.update(k=k, s=s, p=p)
                out["grad_out"], out["grad_in"] = g, t.grad.numpy()
            out["x"], out["dtype"] = x, DTYPES.index(x.dtype.type)
            cases.append(out)
    write_golden(PATH, cases, COLUMNS, torch.__version__)
    print(f"wrote {len(cases)} cases to {PATH}")


if __name__ == "__main__":
    main()
