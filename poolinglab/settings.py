"""The app's shared settings as plain data: the widgets' schema and checks.

Every page reads one :class:`PoolSettings`; the sidebar draws it
(:func:`to_form`, :func:`from_form`), the URL query string carries it
(:mod:`poolinglab.links`), and the checks are computed from it here (the
formula and code lines in :mod:`poolinglab.layer_code`), so the Streamlit
layer only draws. The Window Sweep page's own input grid is a
:class:`SweepInput`, carried the same way. This module imports no Streamlit.
"""

import math
from dataclasses import dataclass, replace

from pooling import MODES
from pooling.geometry import regular_grid

from .intake.grid_text import GRID_MAX_SIDE
from .intake.samples import SAMPLE_NAMES

__all__ = [
    "LIMITS",
    "MODES",
    "PADDING_WORDS",
    "SOURCES",
    "SWEEP_SOURCES",
    "UPLOAD_NOT_HELD",
    "PoolSettings",
    "SweepInput",
    "from_form",
    "layer_options",
    "output_hw",
    "pool_options",
    "to_form",
    "validate",
]

SOURCES = ("sample", "upload", "grid")
SWEEP_SOURCES = ("random", "typed", "crop", "feature")
PADDING_WORDS = ("valid", "same")
# A link can say source=upload, but the photo never travels in it: it lives in one server process's session. A new
# session on that link (the replica the student was on stopped, or the link was sent to someone else) asks again.
UPLOAD_NOT_HELD = (
    "The server restarted, or this link was opened in another browser, so your uploaded photo is not here. "
    "Upload your photo again; a sample shows until you do."
)

# (low, high) of every number the user sets; the widgets use the same bounds,
# so a value from a link always fits its widget.
LIMITS = {
    "kernel": (1, 32),
    "stride": (1, 32),
    "padding": (0, 16),
    "dilation": (1, 8),
    "divisor_override": (0, 4096),
    "p": (0.5, 64.0),
    "seed": (0, 2**31 - 1),
    "alpha": (0.0, 1.0),
    "sweep_side": (1, GRID_MAX_SIDE),
    "crop": (0, 100_000),
}

DEFAULT_GRID = "1 3 2 0\n4 2 1 5\n0 1 7 2\n3 2 1 1"
DEFAULT_SWEEP_TEXT = "1 3 2 0 4 1\n5 2 7 1 0 6\n0 8 1 3 9 2\n4 1 6 6 2 5\n2 7 0 3 8 1\n9 0 5 2 1 4"


@dataclass(frozen=True)
class PoolSettings:
    """Every setting the pages share: image intake and the pooling layer.

    Attributes
    ----------
    source : {"sample", "upload", "grid"}
    sample : str
        One of ``SAMPLE_NAMES``.
    grid : str
        The typed grid, when ``source == "grid"``.
    working_size : int or None
        Long side in pixels; None keeps the full size.
    color : {"rgb", "gray", "red", "green", "blue"}
    mode : {"max", "min", "avg", "lp", "stochastic", "mixed"}
    kernel : (int, int)
    stride, dilation : int
    padding : int, "valid" or "same"
    ceil_mode : bool
    count_include_pad : bool
        avg only.
    divisor_override : int
        avg only; 0 means none.
    p : float
        lp only; ``math.inf`` gives max ``|x|``.
    train : bool
        stochastic only: sample (True) or take the expectation (False).
    seed : int
        stochastic only.
    alpha : float
        mixed only: ``alpha * max + (1 - alpha) * avg``.
    """

    source: str = "sample"
    sample: str = SAMPLE_NAMES[0]
    grid: str = DEFAULT_GRID
    working_size: object = 512
    color: str = "rgb"
    mode: str = "max"
    kernel: tuple = (2, 2)
    stride: int = 2
    padding: object = 0
    dilation: int = 1
    ceil_mode: bool = False
    count_include_pad: bool = True
    divisor_override: int = 0
    p: float = 2.0
    train: bool = True
    seed: int = 0
    alpha: float = 0.5


@dataclass(frozen=True)
class SweepInput:
    """The Window Sweep page's small input grid.

    Attributes
    ----------
    source : {"random", "typed", "crop", "feature"}
        ``"feature"`` crops a feature map of the image (see :attr:`filter`).
    rows, cols : int
        Size of a random grid or a crop, at most ``GRID_MAX_SIDE``.
    seed : int
        Seed of the random grid.
    text : str
        The typed grid.
    top, left : int
        Corner of the crop on the current image.
    channel : int
        Which plane of the image to crop.
    filter : str
        The bank filter (:data:`poolinglab.filters.BANK`) whose feature map a
        ``"feature"`` grid is cropped from.
    """

    source: str = "random"
    rows: int = 6
    cols: int = 6
    seed: int = 0
    text: str = DEFAULT_SWEEP_TEXT
    top: int = 0
    left: int = 0
    channel: int = 0
    filter: str = "sobel-v"


def pool_options(settings, *, mode=None):
    """Keyword arguments for :func:`pooling.pool2d`, the mode's own options included.

    ``mode`` asks for another mode's options with the same layer (the
    settings' own mode by default), as pages that compare modes do.

    Examples
    --------
    >>> pool_options(PoolSettings(mode="avg", kernel=(3, 3), stride=1, padding=1))
    {'kernel_size': (3, 3), 'stride': 1, 'padding': 1, 'dilation': 1, 'ceil_mode': False, 'count_include_pad': True, 'divisor_override': None}
    >>> pool_options(PoolSettings(mode="avg"), mode="lp")
    {'kernel_size': (2, 2), 'stride': 2, 'padding': 0, 'dilation': 1, 'ceil_mode': False, 'p': 2.0}
    """
    s = settings if mode is None else replace(settings, mode=mode)
    kwargs = dict(kernel_size=s.kernel, stride=s.stride, padding=s.padding, dilation=s.dilation, ceil_mode=s.ceil_mode)
    if s.mode == "avg":
        kwargs.update(count_include_pad=s.count_include_pad, divisor_override=s.divisor_override or None)
    elif s.mode == "lp":
        kwargs.update(p=s.p)
    elif s.mode == "stochastic":
        kwargs.update(train=s.train, rng=s.seed)
    elif s.mode == "mixed":
        kwargs.update(alpha=s.alpha)
    return kwargs


def layer_options(settings, mode):
    """:func:`pool_options` for ``mode``, or for anti-aliased max (``"blurmax"``) its kernel and stride alone.

    Anti-aliased max (:func:`pooling.antialiased_max_pool2d`) runs its max with stride 1 before the blur and the
    subsampling: the layer's padding, dilation and ceil mode do not apply to it.

    Examples
    --------
    >>> layer_options(PoolSettings(kernel=(3, 3), stride=2, padding=1), "blurmax")
    {'kernel_size': (3, 3), 'stride': 2}
    >>> layer_options(PoolSettings(mode="avg"), "max") == pool_options(PoolSettings(), mode="max")
    True
    """
    if mode == "blurmax":
        return {"kernel_size": settings.kernel, "stride": settings.stride}
    return pool_options(settings, mode=mode)


# ------------------------------------------------------------ widget values


def to_form(settings):
    """The sidebar widgets' values for ``settings``, by widget key.

    Padding is two widgets: ``padding_kind`` ("number", "valid" or "same")
    and the number itself. p = inf is the ``lp_inf`` checkbox.

    Examples
    --------
    >>> form = to_form(PoolSettings(kernel=(3, 2), padding="same"))
    >>> form["kernel_h"], form["kernel_w"], form["padding_kind"], form["padding"]
    (3, 2, 'same', 0)
    """
    s = settings
    word = s.padding if isinstance(s.padding, str) else "number"
    return {
        "source": s.source,
        "sample": s.sample,
        "grid_text": s.grid,
        "working_size": "full" if s.working_size is None else str(s.working_size),
        "color": s.color,
        "mode": s.mode,
        "kernel_h": s.kernel[0],
        "kernel_w": s.kernel[1],
        "stride": s.stride,
        "padding_kind": word,
        "padding": 0 if isinstance(s.padding, str) else s.padding,
        "dilation": s.dilation,
        "ceil_mode": s.ceil_mode,
        "count_include_pad": s.count_include_pad,
        "divisor_override": s.divisor_override,
        "lp_p": 2.0 if math.isinf(s.p) else float(s.p),
        "lp_inf": math.isinf(s.p),
        "stochastic_train": s.train,
        "stochastic_seed": s.seed,
        "mixed_alpha": float(s.alpha),
    }


def from_form(form, base=None):
    """The inverse of :func:`to_form`: settings from widget values.

    Keys missing from ``form`` keep ``base``'s values (default settings
    when ``base`` is None).

    Examples
    --------
    >>> s = PoolSettings(mode="lp", kernel=(3, 2), padding="same", p=math.inf)
    >>> from_form(to_form(s)) == s
    True
    """
    form = {**to_form(base or PoolSettings()), **form}
    kind = form["padding_kind"]
    return PoolSettings(
        source=form["source"],
        sample=form["sample"],
        grid=form["grid_text"],
        working_size=None if form["working_size"] == "full" else int(form["working_size"]),
        color=form["color"],
        mode=form["mode"],
        kernel=(int(form["kernel_h"]), int(form["kernel_w"])),
        stride=int(form["stride"]),
        padding=int(form["padding"]) if kind == "number" else kind,
        dilation=int(form["dilation"]),
        ceil_mode=bool(form["ceil_mode"]),
        count_include_pad=bool(form["count_include_pad"]),
        divisor_override=int(form["divisor_override"]),
        p=math.inf if form["lp_inf"] else float(form["lp_p"]),
        train=bool(form["stochastic_train"]),
        seed=int(form["stochastic_seed"]),
        alpha=float(form["mixed_alpha"]),
    )


# ------------------------------------------------------------------- checks


def validate(settings, input_hw):
    """Why ``settings`` cannot pool an ``input_hw`` plane, in words; empty when they can.

    The geometry messages are the core's own (:func:`pooling.regular_grid`).

    Parameters
    ----------
    settings : PoolSettings
    input_hw : (int, int)

    Returns
    -------
    list of str

    Examples
    --------
    >>> validate(PoolSettings(kernel=(2, 2), padding=2), (6, 6))
    ['padding (2) must be at most kernel_size // 2 (1): a larger pad makes windows that hold mostly padding']
    >>> validate(PoolSettings(), (6, 6))
    []
    """
    s = settings
    problems = []
    try:
        regular_grid(tuple(input_hw), s.kernel, stride=s.stride, padding=s.padding, dilation=s.dilation,
                     ceil_mode=s.ceil_mode)
    except (ValueError, TypeError) as err:
        problems.append(str(err))
    if s.mode == "lp" and not s.p > 0:
        problems.append(f"p ({s.p:g}) must be > 0")
    if s.mode == "mixed" and not 0 <= s.alpha <= 1:
        problems.append(f"alpha ({s.alpha:g}) must be in [0, 1]")
    return problems


# ------------------------------------------------------------ output size


def output_hw(settings, input_hw):
    """The output size ``(out_h, out_w)`` for valid settings (see :func:`validate`).

    Examples
    --------
    >>> output_hw(PoolSettings(kernel=(3, 3), stride=2, padding=1), (7, 5))
    (4, 3)
    """
    s = settings
    return regular_grid(tuple(input_hw), s.kernel, stride=s.stride, padding=s.padding, dilation=s.dilation,
                        ceil_mode=s.ceil_mode).shape


def psnr_options(mode, options):
    """The options of ``mode`` that the PSNR chart passes on, as sorted ``(name, value)`` pairs (hashable).

    The chart sets its own windows, so of a layer's options only Lp's ``p``
    and mixed pooling's ``alpha`` pass; stochastic pooling is drawn at its
    expected value (``train=False``), which one draw of the sampling is not.

    Examples
    --------
    >>> psnr_options("lp", {"kernel_size": 2, "p": 3.0}), psnr_options("stochastic", {"train": True})
    ((('p', 3.0),), (('train', False),))
    """
    kept = {k: v for k, v in dict(options).items() if (mode, k) in (("lp", "p"), ("mixed", "alpha"))}
    return tuple(sorted((kept | {"train": False} if mode == "stochastic" else kept).items()))
