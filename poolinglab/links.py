"""The query-string codec: a link's short keys to :class:`~poolinglab.settings.PoolSettings` and
:class:`~poolinglab.settings.SweepInput`, and back.

A teacher's link carries the settings that differ from the defaults
(:func:`to_query`); a session's first run reads them back and says which
values it ignored and why (:func:`from_query`), never raising on a hostile
link. This module imports no Streamlit.
"""

import math
from dataclasses import replace

from .filters import BANK
from .intake.planes import COLOR_MODES, WORKING_SIZES
from .intake.samples import SAMPLE_NAMES
from .settings import LIMITS, MODES, PADDING_WORDS, SOURCES, SWEEP_SOURCES, PoolSettings, SweepInput

__all__ = ["from_query", "query_keys", "to_query"]

_MAX_QUERY_CHARS = 2000


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
