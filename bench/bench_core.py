"""Time the core's fast paths against the memory-bandwidth floor.

Run from the repository root::

    python bench/bench_core.py            # 3x3000x4000, as in the README
    python bench/bench_core.py --quick    # a smaller array, for a smoke run

Each figure is the best of ``--repeat`` runs, printed in milliseconds and as
a multiple of ``np.copyto`` of the same input (the floor: one read and one
write of every byte). ``information_loss`` (reconstruction, survival and
loss maps of an already pooled input, as the Information loss page asks
for max and for avg) has a target in milliseconds at full size instead: it
writes three float64/int64 maps of the input's size, so it cannot approach
a copy of a uint8 input.
"""

import argparse
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pooling

TARGETS = {"max + provenance": 5.0, "max + int64 indices": 8.0, "avg": 4.0}
TARGETS_MS = {"information_loss max": 600.0, "information_loss avg": 600.0}  # 3x3000x4000 only


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench(x, repeat):
    out = np.empty_like(x)
    floor = best_of(lambda: np.copyto(out, x), repeat)
    rows = [("np.copyto (floor)", None, floor)]
    for k, s in ((2, 2), (3, 2)):
        cases = {
            "max + provenance": partial(pooling.pool2d, x, "max", k, stride=s),
            "max + int64 indices": lambda k=k, s=s: pooling.pool2d(x, "max", k, stride=s).indices,
            "avg": partial(pooling.pool2d, x, "avg", k, stride=s),
        }
        for mode in ("max", "avg"):
            # Of an already pooled input: the Information loss page pools once and asks for this.
            cases[f"information_loss {mode}"] = partial(pooling.information_loss, pooling.pool2d(x, mode, k, stride=s),
                                                        data_range=255)
        rows += [(name, (k, s), best_of(fn, repeat)) for name, fn in cases.items()]
    return floor, rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3x600x800 instead of 3x3000x4000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    shape = (3, 600, 800) if args.quick else (3, 3000, 4000)
    rng = np.random.default_rng(0)
    base = rng.random(shape, dtype=np.float32)
    print(f"numpy {np.__version__}, input {shape[0]}x{shape[1]}x{shape[2]}, best of {args.repeat}")
    print(f"{'dtype':8} {'what':22} {'k,s':5} {'ms':>8} {'x copy':>7} {'target':>7}")
    failed = []
    for x in (base, (base * 255).astype(np.uint8)):
        floor, rows = bench(x, args.repeat)
        for name, ks, t in rows:
            ratio = t / floor
            ks_text = f"{ks[0]},{ks[1]}" if ks else ""
            if name in TARGETS:
                target, value, unit = TARGETS[name], ratio, ""
            elif name in TARGETS_MS and not args.quick:
                target, value, unit = TARGETS_MS[name], t * 1e3, " ms"
            else:
                target = None
            mark = "" if target is None else (f"<= {target:g}{unit}" + ("" if value <= target else " MISS"))
            if target is not None and value > target:
                failed.append((str(x.dtype), name, ks))
            print(f"{x.dtype!s:8} {name:22} {ks_text:5} {t * 1e3:8.1f} {ratio:7.2f} {mark:>7}")
    print("all targets met" if not failed else f"targets missed: {failed}")


if __name__ == "__main__":
    main()
