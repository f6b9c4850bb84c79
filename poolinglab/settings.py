"""The app's shared settings as plain data: links and checks.

Every page reads one :class:`PoolSettings`; the sidebar draws it, the URL
query string carries it (:func:`to_query`, :func:`from_query`), and the
checks are computed from it here (the formula and code lines in
:mod:`poolinglab.layer_code`), so the Streamlit layer only draws. The Window Sweep page's own input grid is a :class:`SweepInput`,
carried the same way. This module imports no Streamlit.
"""

import math
from dataclasses import dataclass, replace

from pooling import MODES
from pooling.geometry import regular_grid

from .filters import BANK
from .intake.grid_text import GRID_MAX_SIDE
from .intake.planes import COLOR_MODES, WORKING_SIZES
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
    "from_query",
    "output_hw",
    "pool_options",
    "query_keys",
    "to_form",
    "to_query",
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
_MAX_QUERY_CHARS = 2000


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


# ---------------------------------------------------------------- query string


def _clamp(name, value):
    lo, hi = LIMITS[name]
    if not lo <= value <= hi:
        raise ValueError(f"must be from {lo} to {hi}")
    return value


def _whole(text):
    try:
        return int(text)
    except ValueError:
        raise ValueError("is not a whole number") from None


def _int(name):
    def parse(text):
        return _clamp(name, _whole(text))

    return parse


def _float(name):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise ValueError("is not a number") from None
        if math.isnan(value):
            raise ValueError("is not a number")
        return _clamp(name, value)

    return parse


def _choice(options):
    def parse(text):
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return text

    return parse


def _bool(text):
    word = text.lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be 1 or 0")


def _text(text):
    return text


def _kernel(text):
    parts = text.lower().split("x")
    if len(parts) > 2:
        raise ValueError("must be one number or two joined by x, such as 3x2")
    kh, kw = (_clamp("kernel", _whole(part)) for part in parts * (2 // len(parts)))
    return kh, kw


def _padding(text):
    return text if text in PADDING_WORDS else _clamp("padding", _whole(text))


def _working_size(text):
    if text == "full":
        return None
    size = _whole(text)
    if size not in WORKING_SIZES:
        raise ValueError(f"must be one of {', '.join(str(s) for s in WORKING_SIZES if s)} or full")
    return size


def _p(text):
    return math.inf if text == "inf" else _float("p")(text)


def _write(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if value is None:
        return "full"
    if isinstance(value, tuple):
        return str(value[0]) if value[0] == value[1] else f"{value[0]}x{value[1]}"
    if isinstance(value, float):
        text = "inf" if math.isinf(value) else repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


# Field name -> (query key, parser). Keys are short words a teacher can read in a link.
_POOL_QUERY = {
    "source": ("source", _choice(SOURCES)),
    "sample": ("sample", _choice(SAMPLE_NAMES)),
    "grid": ("grid", _text),
    "working_size": ("size", _working_size),
    "color": ("color", _choice(COLOR_MODES)),
    "mode": ("mode", _choice(MODES)),
    "kernel": ("kernel", _kernel),
    "stride": ("stride", _int("stride")),
    "padding": ("padding", _padding),
    "dilation": ("dilation", _int("dilation")),
    "ceil_mode": ("ceil", _bool),
    "count_include_pad": ("count_pad", _bool),
    "divisor_override": ("divisor", _int("divisor_override")),
    "p": ("p", _p),
    "train": ("train", _bool),
    "seed": ("seed", _int("seed")),
    "alpha": ("alpha", _float("alpha")),
}

_SWEEP_QUERY = {
    "source": ("grid_from", _choice(SWEEP_SOURCES)),
    "rows": ("rows", _int("sweep_side")),
    "cols": ("cols", _int("sweep_side")),
    "seed": ("grid_seed", _int("seed")),
    "text": ("cells", _text),
    "top": ("top", _int("crop")),
    "left": ("left", _int("crop")),
    "channel": ("channel", _choice(("0", "1", "2"))),
    "filter": ("filter", _choice(tuple(BANK))),
}

_CODECS = {PoolSettings: _POOL_QUERY, SweepInput: _SWEEP_QUERY}


def to_query(settings):
    """The query-string entries of a link that restores ``settings``.

    Only values that differ from the defaults are written, so the default
    settings give an empty query and a link stays short.

    Parameters
    ----------
    settings : PoolSettings or SweepInput

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> to_query(PoolSettings(mode="avg", kernel=(3, 2), padding="same"))
    {'mode': 'avg', 'kernel': '3x2', 'padding': 'same'}
    >>> to_query(SweepInput(rows=8))
    {'rows': '8'}
    """
    codec = _CODECS[type(settings)]
    default = type(settings)()
    return {
        key: _write(getattr(settings, name))
        for name, (key, _) in codec.items()
        if getattr(settings, name) != getattr(default, name)
    }


def query_keys(kind=PoolSettings):
    """The query-string keys that :func:`to_query` may write for ``kind``.

    Examples
    --------
    >>> query_keys(SweepInput)[:3]
    ('grid_from', 'rows', 'cols')
    """
    return tuple(key for key, _ in _CODECS[kind].values())


def from_query(params, kind=PoolSettings):
    """Settings from a link's query string; never raises on a hostile one.

    Parameters
    ----------
    params : mapping of str to str or list of str
        ``st.query_params.to_dict()`` or similar; for repeated keys the last
        value counts. Keys this kind does not know are ignored (pages share
        the query string).
    kind : type, optional
        :class:`PoolSettings` or :class:`SweepInput`.

    Returns
    -------
    settings : ``kind``
        Every bad or missing value falls back to its default.
    warnings : list of str
        One sentence per value that was ignored, for the user.

    Notes
    -----
    ``source=upload`` is kept, although the photo itself never travels in a
    link: the sidebar then asks for it again (:data:`UPLOAD_NOT_HELD`).

    Examples
    --------
    >>> s, warnings = from_query({"mode": "avg", "kernel": "3", "stride": "zero"})
    >>> s.mode, s.kernel, s.stride
    ('avg', (3, 3), 2)
    >>> warnings
    ["The link's stride ('zero') was ignored: it is not a whole number."]
    """
    codec = _CODECS[kind]
    values, warnings = {}, []
    for name, (key, parse) in codec.items():
        if key not in params:
            continue
        raw = params[key]
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else ""
        raw = str(raw)
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        if len(raw) > _MAX_QUERY_CHARS:
            warnings.append(f"The link's {key} was ignored: it is longer than {_MAX_QUERY_CHARS} characters.")
            continue
        try:
            values[name] = parse(raw.strip())
        except (ValueError, TypeError, OverflowError) as err:
            warnings.append(f"The link's {key} ({shown!r}) was ignored: it {err}.")
    settings = kind(**values)
    if kind is SweepInput:
        settings = replace(settings, channel=int(settings.channel))
    return settings, warnings


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
