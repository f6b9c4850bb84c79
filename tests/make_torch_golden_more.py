"""Write ``tests/data/torch_golden_more.npz``: PyTorch's adaptive, fractional and backward results.

Run by hand where torch is installed (it is not a project dependency)::

    python tests/make_torch_golden_more.py

Each case ``n`` stores ``c{n}_x`` (the input), ``c{n}_args`` (int64 settings,
see ``KINDS``), and PyTorch's outputs: ``c{n}_values`` and ``c{n}_indices``
for the forward kinds, ``c{n}_grad_out`` and ``c{n}_grad_in`` for the
backward ones, ``c{n}_samples`` for fractional pooling.
``tests/test_torch_golden_more.py`` replays them without torch.
"""

import pathlib

import numpy as np

KINDS = ["adaptive-max", "adaptive-avg", "fractional", "backward-max", "backward-avg"]
SEED = 20261122
PATH = pathlib.Path(__file__).parent / "data" / "torch_golden_more.npz"


def main():
    import torch  # only here: pytest imports this file for doctests, where torch may be missing
    import torch.nn.functional as F

    rng = np.random.default_rng(SEED)
    out = {"kinds": np.array(KINDS), "torch_version": np.array(torch.__version__)}
    n = 0
    for kind in KINDS:
        for _ in range(60):
            c, h, w = int(rng.integers(1, 3)), int(rng.integers(2, 12)), int(rng.integers(2, 12))
            x = rng.integers(-2, 3, (c, h, w)).astype(np.float32)
            if kind != "adaptive-avg" and rng.random() < 0.3:
                x[rng.random(x.shape) < 0.15] = np.nan
            t = torch.from_numpy(x.copy())
            if kind.startswith("adaptive"):
                oh, ow = int(rng.integers(1, h + 3)), int(rng.integers(1, w + 3))
                args = [KINDS.index(kind), oh, ow]
                if kind == "adaptive-max":
                    v, i = F.adaptive_max_pool2d(t, (oh, ow), return_indices=True)
                    out[f"c{n}_indices"] = i.numpy()
                else:
                    x = rng.random((c, h, w)).astype(np.float32)
                    v = F.adaptive_avg_pool2d(torch.from_numpy(x), (oh, ow))
                out[f"c{n}_values"] = v.numpy()
            elif kind == "fractional":
                kh, kw = int(rng.integers(1, min(h, 4) + 1)), int(rng.integers(1, min(w, 4) + 1))
                oh, ow = int(rng.integers(1, h - kh + 2)), int(rng.integers(1, w - kw + 2))
                samples = rng.random((c, 2)).astype(np.float32)
                v, i = F.fractional_max_pool2d(t[None], (kh, kw), output_size=(oh, ow), return_indices=True,
                                               _random_samples=torch.from_numpy(samples)[None])
                args = [KINDS.index(kind), kh, kw, oh, ow]
                out[f"c{n}_samples"] = samples
                out[f"c{n}_values"], out[f"c{n}_indices"] = v[0].numpy(), i[0].numpy()
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
                args = [KINDS.index(kind), k, s, p]
                out[f"c{n}_grad_out"], out[f"c{n}_grad_in"] = g, t.grad.numpy()
            out[f"c{n}_x"] = x
            out[f"c{n}_args"] = np.array(args, dtype=np.int64)
            n += 1
    out["count"] = np.array(n)
    np.savez_compressed(PATH, **out)
    print(f"wrote {n} cases to {PATH}")


if __name__ == "__main__":
    main()
