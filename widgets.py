"""The shared Streamlit widgets: image intake and the pooling layer's controls, in the sidebar.

Every page calls :func:`sidebar` first. A page draws its own sidebar (not
``app.py``) so that it also runs on its own and so that AppTest can drive its
widgets more than once. Widget state is dropped when a page stops drawing a
widget, so the chosen settings and image live under ``_``-prefixed
non-widget keys and are written back into the widgets on every run; that is
what carries them from page to page. On a session's first run the settings
come from the link's query string, and every run mirrors them back into it.
"""

import dataclasses
import functools
import gc
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

import numpy as np

# Streamlit imports pandas and pyarrow lazily, inside st.table and st.dataframe. When a class opens the app at
# once, several script threads make that first import together, and Python hands some of them the half-built
# module ("partially initialized module 'pandas' has no attribute 'Series'"). Importing both here, while this
# module is being imported, makes the first import happen once: the other threads wait on this module's lock.
import pandas  # noqa: F401
import pyarrow  # noqa: F401
import streamlit as st
from plotly.basedatatypes import BaseFigure
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime.pages_manager import PagesManager

from figures import crop_preview_figure, sweep_gif
from figures.maps import pixels_uri
from pooling import pool2d
from pooling.analysis.features import feature_maps
from pooling.conv import stage_weights
from poolinglab import layer_code, settings
from poolinglab.cache import ByteBoundedCache, call_key, size_of
from poolinglab.filters import BANK, CUSTOM, parse_kernel
from poolinglab.intake import images
from poolinglab.intake.samples import PATTERN_NAMES, SAMPLE_NAMES, SAMPLE_NOTES, load_sample
from poolinglab.memory import return_freed_memory
from poolinglab.settings import LIMITS, MODES, SOURCES, PoolSettings, SweepInput

_SETTINGS = "_pool_settings"  # the last PoolSettings, across pages
_SWEEP = "_sweep_input"  # the last SweepInput
_UPLOAD = "_upload"  # the last good upload: {"file_id", "name", "sha", "data"}
_UPLOAD_ERROR = "_upload_error"  # (file_id, message) of the last refused upload
_UPLOAD_ASKED = "_upload_asked"  # the link said source=upload and this session holds no upload yet
_SHOWN = "_shown_image"  # what the last run showed: ("sample", name) / ("upload",) / ("grid", text)
_GRID_OK = "_grid_ok"  # the last typed grid that parsed
_SWEEP_TEXT_OK = "_sweep_text_ok"  # the last typed sweep grid that parsed

MODE_LABELS = {
    "max": "Max", "min": "Min", "avg": "Average", "lp": "Lp (p-norm)",
    "stochastic": "Stochastic", "mixed": "Mixed (max and average)",
}
SOURCE_LABELS = {"sample": "Sample", "upload": "Upload", "grid": "Numbers"}
COLOR_LABELS = {"rgb": "RGB (3 planes)", "gray": "Grey", "red": "Red only", "green": "Green only", "blue": "Blue only"}
PADDING_LABELS = {"number": "cells", "valid": "valid", "same": "same"}
SWEEP_LABELS = {"random": "Random", "typed": "Typed", "crop": "Crop of the image", "feature": "Crop of a feature map"}
FILTER_LABELS = {**{key: f.label for key, f in BANK.items()}, CUSTOM: "Your own kernel (typed)"}
_SWEEP_KEYS = {f.name: f"sweep_{f.name}" for f in fields(SweepInput)}
# What every shared result together may keep, in megabytes: about 28 full-size 12 MP photos with their poolings.
CACHE_MB = int(os.environ.get("POOLING_LAB_CACHE_MB", "1024"))
# How many shared results are computed at once, whatever the number of sessions: one per core.
WORKERS = int(os.environ.get("POOLING_LAB_WORKERS", "0")) or os.cpu_count() or 2


def frozen(value):
    """``value`` with every numpy array in it (in tuples, lists, dicts and dataclasses) made read-only.

    A plotly figure's ``to_dict()`` then returns one dict made now, which
    must not be changed either.

    Returns ``value`` itself, so that a cached result can be shared by every
    session: a page that tries to write into it fails loudly instead of
    changing what another student sees.
    """
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, (tuple, list)):
        for item in value:
            frozen(item)
    elif isinstance(value, dict):
        for item in value.values():
            frozen(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in vars(value).values():
            frozen(item)
    elif isinstance(value, BaseFigure):
        # st.plotly_chart calls to_dict(), a deep copy of the whole figure, on every rerun (a third of a warm
        # rerun of Stacked pooling). A shared figure never changes, so its dict is made once and handed out.
        # Object arrays (cell text, hover words) become lists: plotly.io.to_json's orjson path refuses them and
        # falls back to cleaning the whole figure in Python, on every st.plotly_chart.
        spec = _without_object_arrays(value.to_dict())
        value.to_dict = lambda: spec
    return value


def _without_object_arrays(spec):
    """``spec`` with every numpy object array in it made a list; everything else as it is."""
    if isinstance(spec, dict):
        return {key: _without_object_arrays(item) for key, item in spec.items()}
    if isinstance(spec, list):
        return [_without_object_arrays(item) for item in spec]
    if isinstance(spec, np.ndarray) and spec.dtype == object:
        return spec.tolist()
    return spec


def _measure(value):
    """Bytes a cached result keeps: a figure counts the dict it hands out, the rest as :func:`size_of` counts."""
    if isinstance(value, BaseFigure):
        return size_of(value.to_dict())
    if isinstance(value, (tuple, list)):
        return sum(_measure(v) for v in value)
    if isinstance(value, dict):
        return sum(_measure(v) for v in value.values())
    return size_of(value)


# Every session's shared results, in one store bounded by bytes: a class of 12 MP photos must not fill the server.
# At most WORKERS of them are computed at once, so the temporaries of thirty full-size runs never pile up.
RESULTS = ByteBoundedCache(CACHE_MB << 20, measure=_measure, workers=WORKERS)


# Threads a page may start to work out its parts while its script draws them in order (numpy and the image
# encoders let go of the interpreter): one a core, at most two, since the shared store builds WORKERS at a time.
PAGE_WORKERS = max(1, min(2, os.cpu_count() or 1))


def page_workers(name, workers=PAGE_WORKERS):
    """A thread pool for one run's jobs, its threads named after the page.

    A page submits its jobs, calls ``shutdown(wait=False)`` (the jobs run on,
    and the threads end with them) or uses it in a ``with`` block, and reads
    each result where it draws it.

    Examples
    --------
    >>> with page_workers("example") as pool:
    ...     pool.submit(sum, [1, 2]).result()
    3
    """
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)


def shared_cache(func):
    """Cache ``func`` once for every session, its arrays made read-only, in :data:`RESULTS`.

    ``st.cache_data`` unpickles a fresh copy of its value on every read: for a
    plotly figure that means building and validating it again (16 ms for one
    row of three images), for a 12 MP photo copying 36 MB. Results cached
    here are shared instead, so they must never be written to; :func:`frozen`
    makes sure of that for arrays, and figures are only read by
    ``st.plotly_chart`` (marks that change go on a copy). Like
    ``st.cache_data``, parameters whose name starts with ``_`` are not
    hashed: the key must say what they hold.

    Unlike ``st.cache_resource``'s ``max_entries``, the bound is on bytes:
    every shared result of every page together keeps at most
    :data:`CACHE_MB` megabytes (``POOLING_LAB_CACHE_MB``), the least recently
    used going first. Sessions asking for the same result at once compute it
    once, and at most :data:`WORKERS` results (``POOLING_LAB_WORKERS``, one
    per core by default) are computed at a time.
    """

    @functools.wraps(func)
    def cached(*args, **kwargs):
        return RESULTS.get_or_build(call_key(func, args, kwargs), lambda: frozen(func(*args, **kwargs)))

    return cached


@shared_cache
def _built(key, _build):
    return _build()


def shared(key, build):
    """``build()``, run once per ``key`` and shared read-only by every session: for figures and their data.

    ``key`` must name everything ``build`` depends on, e.g.
    ``lab.cache_key("zoom", top, left)``; ``functools.partial`` makes
    ``build`` from a figure builder and its arguments. Kept in
    :data:`RESULTS`, within its bound on bytes.
    """
    return _built(key, build)


@dataclass(frozen=True, eq=False)
class Lab:
    """What the sidebar hands a page: the settings, the image planes, and slots to report in."""

    settings: PoolSettings
    planes: np.ndarray  # (C, H, W): uint8 for photos, float64 for typed numbers
    label: str
    problem_slot: object  # under the layer's controls
    key: str  # sha256 of the image's source (bytes, sample name or typed text), working size and colour

    def cache_key(self, *extra):
        """A cache key for work on this image: :attr:`key`, the layer's settings and ``extra``.

        Pages cache heavy work as ``f(lab.cache_key(...), _planes)``: the key
        decides, and the underscored array is not hashed.
        """
        return images.sha256_key(self.key.encode(), self.settings, *extra)


@dataclass(frozen=True)
class LabPage:
    """One page of the app, as ``app.py`` lists it and the Home page describes it."""

    section: str
    path: str
    title: str
    icon: str
    what: str = ""


LABS = [
    LabPage("Start", "pages/home.py", "Home", ":material/home:"),
    LabPage("Start", "pages/window_sweep.py", "Window Sweep", ":material/animation:",
            "Watch the window move over a small grid step by step, see which cell each output copies, "
            "click an output cell to light its window, and download the sweep as a GIF for slides."),
    LabPage("Image labs", "pages/max_vs_average.py", "Max vs Average", ":material/compare:",
            "Up to four modes side by side on one scale, their difference, the colour fringes that come from "
            "the R, G and B argmaxes landing on different pixels, and a zoom onto the cells."),
    LabPage("Image labs", "pages/information_loss.py", "Information loss", ":material/blur_on:",
            "Which input cells survive a max pooling, how well max-unpooling and spreading the average back "
            "rebuild the image, and how that falls as the kernel grows."),
    LabPage("Image labs", "pages/stacked_pooling.py", "Stacked pooling", ":material/layers:",
            "Up to five rounds of pooling as a pyramid: pick a deep cell and follow its argmax back to the one "
            "pixel it came from, and see how sure its position is at each depth."),
    LabPage("Image labs", "pages/feature_maps.py", "Feature maps", ":material/filter_alt:",
            "Where networks pool: edge, blob and Gabor filters on your photo, ReLU, then max and average pooling "
            "of the sparse maps, where each feature was found, and whether its detections survive a small shift."),
    LabPage("Concept labs", "pages/shift_invariance.py", "Shift invariance", ":material/open_with:",
            "Shift the image by a pixel or two and count the outputs that stay the same; anti-aliased max "
            "pooling on the same chart."),
    LabPage("Concept labs", "pages/noise.py", "Noise", ":material/grain:",
            "Add Gaussian or salt-and-pepper noise and see how far each mode's output moves: max pooling "
            "amplifies salt, averaging smooths it."),
    LabPage("Concept labs", "pages/alternatives.py", "Alternatives gallery", ":material/apps:",
            "Every kind of pooling on one image, each with its formula: min, Lp, stochastic, fractional, "
            "mixed, global and anti-aliased."),
    LabPage("Concept labs", "pages/backward_pass.py", "Backward pass", ":material/undo:",
            "Where the gradient goes: max sends it to the argmax cells, average spreads it, and overlapping "
            "windows add up on shared cells."),
    LabPage("Concept labs", "pages/pooling_over_time.py", "Pooling over time", ":material/notes:",
            "A typed sentence becomes a fixed-size vector: max and average over its tokens, and which token "
            "won each feature."),
]


# ------------------------------------------------------------------ state

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text):
    """``text`` escaped so that Streamlit's markdown shows it as typed.

    Messages can quote what a user typed or put in a link; st.error and
    friends render markdown, so every such message goes through here.
    """
    return _MARKDOWN.sub(r"\\\1", str(text))



def _restore(kind, store):
    """The settings this session last used; on its first run, the link's."""
    if store not in st.session_state:
        value, warnings = settings.from_query(st.query_params.to_dict(), kind)
        st.session_state[store] = value
        if getattr(value, "source", None) == "upload":
            st.session_state[_UPLOAD_ASKED] = True
        for text in warnings:
            st.warning(plain(text))
    return st.session_state[store]


def _seed(form):
    # Re-assigning a widget's own value keeps it when the widget moves to another page.
    for key, value in form.items():
        st.session_state[key] = st.session_state.get(key, value)


def _mirror(value):
    """Write ``value``'s fields into the query string, touching only its own keys."""
    wanted = settings.to_query(value)
    for key in settings.query_keys(type(value)):
        if key in wanted and st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]


# ------------------------------------------------------------ image intake


@shared_cache
def _sample_pixels(name, working_size):
    if name in PATTERN_NAMES:  # resampling would blur the very detail a pattern's note describes
        return load_sample(name).pixels
    return images.working_image(load_sample(name).pixels, working_size)


@shared_cache
def _upload_pixels(key, _data, working_size):
    """Decoded, shrunk pixels of an upload; cached on ``key`` (sha256 of the bytes), not on the bytes."""
    loaded = images.decode_image(_data)
    return images.working_image(loaded.pixels, working_size), loaded.notes


def accept_upload(name, data, file_id=None):
    """Decode an upload; keep it as the current upload when it is an image, else say why.

    The one path every upload takes, so tests can drive it with bytes.
    Returns the error message, or None when the file was accepted.
    """
    if file_id is not None:
        last = st.session_state.get(_UPLOAD_ERROR)
        if last and last[0] == file_id:
            return last[1]
        if st.session_state.get(_UPLOAD, {}).get("file_id") == file_id:
            return None
    sha = images.sha256_key(data)
    try:
        _upload_pixels(sha, data, _working_size())
    except images.ImageError as err:
        st.session_state[_UPLOAD_ERROR] = (file_id, str(err))
        return str(err)
    st.session_state.pop(_UPLOAD_ERROR, None)
    st.session_state.pop(_UPLOAD_ASKED, None)
    st.session_state[_UPLOAD] = {"file_id": file_id, "name": name, "sha": sha, "data": data}
    return None


def _working_size():
    text = st.session_state.get("working_size", "512")
    return None if text == "full" else int(text)


def _randomise_grid():
    st.session_state["grid_text"] = images.grid_to_text(images.random_grid((4, 4)))


def _pixels_for(shown, working_size):
    """Pixels, name, loader notes and a cache key of the photo ``shown`` names."""
    if shown[0] == "upload":
        upload = st.session_state[_UPLOAD]
        pixels, notes = _upload_pixels(upload["sha"], upload["data"], working_size)
        return pixels, upload["name"], notes, upload["sha"]
    name = shown[1]
    notes = (SAMPLE_NOTES.get(name, ""),)
    if name in PATTERN_NAMES and working_size is not None and working_size < 256:
        notes += (("Patterns keep their 256 × 256 pixels at every working size: shrinking them would blur the "
                   "detail they show."),)
    return _sample_pixels(name, working_size), name, notes, name


@shared_cache
def _planes(key, working_size, color, _pixels):
    return images.to_planes(_pixels, color)


@shared_cache
def _thumbnail(key, working_size, _pixels):
    """The sidebar's picture of the image, 160 px, as a ``data:`` URI.

    Inline, not a media file: a media file lives in one server's memory, and
    a student whose server stops reconnects to another, where the picture's
    URL would answer 404 until the page is drawn again.
    """
    return pixels_uri(images.working_image(_pixels, 160))


def image_ui():
    """Draw the image intake; return the current ``(planes, label, key)``, ``key`` a hash of what they came from."""
    source = st.radio("Image source", SOURCES, key="source", format_func=SOURCE_LABELS.get, horizontal=True)
    shown = st.session_state.get(_SHOWN, ("sample", st.session_state.get("sample", SAMPLE_NAMES[0])))
    if source == "sample":
        shown = ("sample", st.selectbox("Sample", SAMPLE_NAMES, key="sample"))
    elif source == "upload":
        file = st.file_uploader("Upload an image", type=list(images.UPLOAD_EXTENSIONS), key="upload")
        if file is not None:
            message = accept_upload(file.name, file.getvalue(), file.file_id)
            if message:
                st.error(plain(message))
        if _UPLOAD in st.session_state:
            shown = ("upload",)
        elif st.session_state.get(_UPLOAD_ASKED):
            st.warning(settings.UPLOAD_NOT_HELD)
        else:
            st.info("No image uploaded yet: the previous image stays until one is.")
    else:
        text = st.text_area("Numbers, one row per line", key="grid_text", height=120)
        st.button("Random numbers", key="grid_random", on_click=_randomise_grid)
        try:
            images.grid_from_text(text)
            st.session_state[_GRID_OK] = text
        except images.ImageError as err:
            st.error(plain(err))
        shown = ("grid", st.session_state.get(_GRID_OK, settings.DEFAULT_GRID))
    sizes = [str(s) if s else "full" for s in images.WORKING_SIZES]
    st.selectbox("Working size (long side)", sizes, key="working_size",
                 format_func=lambda s: "full size" if s == "full" else f"{s} px")
    working_size = _working_size()
    color = st.selectbox("Colour", images.COLOR_MODES, key="color", format_func=COLOR_LABELS.get)
    st.session_state[_SHOWN] = shown
    if shown[0] == "grid":
        planes = images.grid_from_text(shown[1])[None]
        label = "typed numbers"
        key = shown[1]
    else:
        pixels, label, notes, key = _pixels_for(shown, working_size)
        planes = _planes(key, working_size, color, pixels)
        st.image(_thumbnail(key, working_size, pixels), width="stretch")
        for note in notes:
            if note:
                st.caption(plain(note))
    # Rows × columns everywhere, as in the output-size line and PyTorch's (H, W).
    st.text(f"Image: {label}, {planes.shape[1]} × {planes.shape[2]} (rows × columns), {planes.shape[0]} plane(s)")
    return planes, label, images.sha256_key(key.encode(), shown[0], working_size, color)


# ---------------------------------------------------------- pooling controls


def pooling_ui():
    """Draw the pooling layer's controls; return the slot under them for problems and the output size."""
    mode = st.selectbox("Mode", MODES, key="mode", format_func=MODE_LABELS.get)
    kmin, kmax = LIMITS["kernel"]
    left, right = st.columns(2)
    left.number_input("Kernel height", kmin, kmax, step=1, key="kernel_h")
    right.number_input("Kernel width", kmin, kmax, step=1, key="kernel_w")
    st.number_input("Stride", *LIMITS["stride"], step=1, key="stride")
    kind = st.radio("Padding", list(PADDING_LABELS), key="padding_kind", horizontal=True,
                    format_func=PADDING_LABELS.get, help="A number of cells on each side, or Keras's valid/same.")
    if kind == "number":
        st.number_input("Padding cells on each side", *LIMITS["padding"], step=1, key="padding")
    st.number_input("Dilation (spacing of the taps)", *LIMITS["dilation"], step=1, key="dilation")
    st.checkbox("Ceil mode (keep a last partial window)", key="ceil_mode")
    problem_slot = st.empty()
    if mode == "avg":
        st.checkbox("Count padding in the average (count_include_pad)", key="count_include_pad")
        st.number_input("Divisor override (0 = none)", *LIMITS["divisor_override"], step=1, key="divisor_override")
    elif mode == "lp":
        st.checkbox("p = ∞ (the largest |x|)", key="lp_inf")
        st.number_input("p", *LIMITS["p"], step=0.5, key="lp_p", disabled=st.session_state["lp_inf"])
    elif mode == "stochastic":
        st.checkbox("Training: sample one cell (off: the expected value)", key="stochastic_train")
        st.number_input("Random seed", *LIMITS["seed"], step=1, key="stochastic_seed")
    elif mode == "mixed":
        st.slider("alpha: weight of the max", *LIMITS["alpha"], step=0.05, key="mixed_alpha")
    return problem_slot


def ensure_frame():
    """Run the page inside app.py's frame, even for a first visitor on a deep link.

    Streamlit 1.67 treats a ``pages/`` folder beside ``app.py`` as its old
    multipage mode until ``app.py`` has called ``st.navigation`` once in the
    server process, so the very first visitor who opens ``/window_sweep``
    would get the page without the frame (no wide layout, a menu built from
    file names). Then, once, we end that mode as ``st.navigation`` itself
    does and rerun: the rerun goes through ``app.py``, on the same page.
    """
    if st.session_state.get("_in_frame"):
        return
    if getattr(PagesManager, "uses_pages_directory", False) and not st.session_state.get("_frame_retried"):
        st.session_state["_frame_retried"] = True
        PagesManager.uses_pages_directory = False
        st.rerun()


def sidebar():
    """Draw the shared sidebar; return the page's :class:`Lab`."""
    ensure_frame()
    stored = _restore(PoolSettings, _SETTINGS)
    _seed(settings.to_form(stored))
    with st.sidebar:
        st.header("Image")
        planes, label, key = image_ui()
        st.header("Pooling layer")
        problem_slot = pooling_ui()
    form = {key: st.session_state[key] for key in settings.to_form(stored)}
    current = settings.from_form(form)
    st.session_state[_SETTINGS] = current
    _mirror(current)
    return Lab(current, planes, label, problem_slot, key)


@shared_cache
def _shrunk_planes(key, side, _planes):
    return images.shrink_planes(_planes, side)


def working_copy(lab, side):
    """``lab`` with its photo shrunk to ``side`` pixels on its long side when it is bigger, for a page's heavy part.

    Typed numbers and photos already that small are left as they are. The
    copy is resampled as the working size resamples, cached, and has a key
    of its own, so ``lab.cache_key`` tells it from the full image. The page
    must say that it works on a copy (:func:`poolinglab.words.sizes.copy_words`).
    """
    planes = lab.planes
    if planes.dtype != np.uint8 or max(planes.shape[1:]) <= side:
        return lab
    copy = _shrunk_planes(images.sha256_key(lab.key.encode(), "shrunk"), side, planes)
    return dataclasses.replace(lab, planes=copy, key=f"{lab.key}@{side}")


def check_layer(lab, input_hw):
    """Say, next to the layer's controls, what it makes of an ``input_hw`` input or why it cannot pool it.

    Returns True when it can.
    """
    problems = settings.validate(lab.settings, input_hw)
    with lab.problem_slot.container():
        for problem in problems:
            st.error(plain(problem))
        if not problems:
            out_h, out_w = settings.output_hw(lab.settings, input_hw)
            st.text(f"Output: {out_h} × {out_w} from {input_hw[0]} × {input_hw[1]} (rows × columns)")
    return not problems


def layer_summary(lab, input_hw):
    """Draw the live output-size formula and the same layer in PyTorch and Keras, ready to copy."""
    s = lab.settings
    st.subheader("Output size")
    st.latex(layer_code.output_size_formula(s, input_hw))  # full width: the numbers must not be cut off
    st.subheader("The same layer in code")
    torch, keras = st.columns(2)
    torch.caption("PyTorch: x is (N, C, H, W)")
    torch.code(layer_code.torch_line(s, input_hw), language="python", wrap_lines=True)
    keras.caption("Keras: x is (N, H, W, C), its default channels_last")
    keras.code(layer_code.keras_line(s), language="python", wrap_lines=True)


def pool_or_explain(lab, values):
    """Pool ``values`` with the sidebar's layer, or say in words why it cannot; None then."""
    values = np.asarray(values)
    if not check_layer(lab, values.shape[-2:]):
        st.warning("This layer cannot pool this input: the sidebar says why. Change a setting there.")
        return None
    try:
        return pool2d(values, lab.settings.mode, **settings.pool_options(lab.settings))
    except ValueError as err:
        st.error(plain(err))
        return None


def lab_link(page, label, icon):
    """A link to another lab page; plain text when the page runs on its own, outside ``app.py``."""
    try:
        st.page_link(page, label=label, icon=icon)
    except StreamlitPageNotFoundError:
        st.text(f"{label} (open app.py to reach it)")


# --------------------------------------------------------- the sweep input


def _new_seed():
    st.session_state["sweep_seed"] = (st.session_state["sweep_seed"] + 1) % LIMITS["seed"][1]


@shared_cache
def _feature_plane(key, name, _planes):
    # On the image's own values (0 to 255 for a photo), not Feature maps' 0..1: a sweep writes every value in
    # its cell, and 0.003922 does not fit where 1 does.
    planes = np.asarray(_planes, dtype=np.float64)
    return feature_maps(planes, stage_weights([BANK[name].weights], planes.shape[0]), [0.0])


def feature_plane(planes, key, name):
    """The bank filter ``name``'s feature map of ``planes`` (bias 0, ReLU) as ``(1, h, w)``; None when the image
    is smaller than the filter. ``key`` names the image (:attr:`Lab.key`)."""
    if min(planes.shape[1:]) < BANK[name].weights.shape[0]:
        return None
    return _feature_plane(key, name, planes)


def _preview(whole, top, left, shape):
    return crop_preview_figure(whole, top, left, *shape, title="Where the crop comes from").update_layout(height=260)


def crop_preview(lab, spec, whole, shape):
    """The sweep crop's place on the image, built once per image, source and rectangle (not on every rerun)."""
    key = images.sha256_key(lab.key.encode(), "crop preview", spec.source, spec.filter, spec.top, spec.left,
                            tuple(shape))
    return shared(key, functools.partial(_preview, whole, spec.top, spec.left, tuple(shape)))


def crop_source(planes, spec, key=""):
    """The planes a crop grid of ``spec`` is cut from: the image, or a feature map of it; None for other grids."""
    if spec.source == "feature":
        plane = feature_plane(planes, key, spec.filter)
        return planes if plane is None else plane
    return planes if spec.source == "crop" else None


def sweep_input_ui(planes, key=""):
    """Draw the Window Sweep page's input-grid controls; return ``(SweepInput, (H, W) grid)``.

    ``key`` names the image (:attr:`Lab.key`), for the cached feature map of a ``"feature"`` grid.
    """
    stored = _restore(SweepInput, _SWEEP)
    _seed({key: getattr(stored, name) for name, key in _SWEEP_KEYS.items()})
    side = LIMITS["sweep_side"]
    source = st.radio("Input grid", list(SWEEP_LABELS), key="sweep_source", format_func=SWEEP_LABELS.get,
                      horizontal=True)
    if source == "typed":
        text = st.text_area("Numbers, one row per line (up to 16 × 16)", key="sweep_text", height=160)
        try:
            grid = images.grid_from_text(text)
            st.session_state[_SWEEP_TEXT_OK] = text
        except images.ImageError as err:
            st.error(plain(err))
            grid = images.grid_from_text(st.session_state.get(_SWEEP_TEXT_OK, settings.DEFAULT_SWEEP_TEXT))
    else:
        cols = st.columns(2 if source == "crop" else 3)
        cols[0].number_input("Rows", *side, step=1, key="sweep_rows")
        cols[1].number_input("Columns", *side, step=1, key="sweep_cols")
        if source == "random":
            cols[2].button("New numbers", key="sweep_reroll", on_click=_new_seed)
            grid = images.random_grid((st.session_state["sweep_rows"], st.session_state["sweep_cols"]),
                                      rng=st.session_state["sweep_seed"])
        elif source == "feature":
            name = cols[2].selectbox("Filter", list(BANK), key="sweep_filter", format_func=FILTER_LABELS.get)
            plane = feature_plane(planes, key, name)
            if plane is None:
                st.warning(f"The image is smaller than the filter's {BANK[name].weights.shape[0]} × "
                           f"{BANK[name].weights.shape[0]} window, so it has no feature map: the grid is a crop "
                           "of the image instead.")
                plane = planes
            else:
                st.caption(plain(f"{FILTER_LABELS[name]} after ReLU, on the image's own values (0 to 255 for a "
                                 "photo): "
                                 f"{BANK[name].sentence}"))
            grid = _crop_ui(plane)
        else:
            grid = _crop_ui(planes)
    current = SweepInput(**{name: st.session_state[key] for name, key in _SWEEP_KEYS.items()})
    st.session_state[_SWEEP] = current
    _mirror(current)
    return current, grid


def _crop_ui(planes):
    c, h, w = planes.shape
    rows, cols = min(st.session_state["sweep_rows"], h), min(st.session_state["sweep_cols"], w)
    # A corner from a link or another image may not fit this one: pull it back inside.
    places = st.columns(3)
    for place, key, label, room in ((places[0], "sweep_top", "Top row", h - rows),
                                    (places[1], "sweep_left", "Left column", w - cols)):
        st.session_state[key] = min(int(st.session_state[key]), room)
        if room > 0:
            place.slider(label, 0, room, key=key)
    st.session_state["sweep_channel"] = min(int(st.session_state["sweep_channel"]), c - 1)
    if c > 1:
        places[2].selectbox("Plane", range(c), key="sweep_channel", format_func=("red", "green", "blue").__getitem__)
    top, left, ch = st.session_state["sweep_top"], st.session_state["sweep_left"], st.session_state["sweep_channel"]
    return planes[ch, top:top + rows, left:left + cols]


FOCUS = "_sweep_focus"  # the output cell (row, col) last clicked
SWEEP_CHART = "sweep_chart"


def clicked_cell(state):
    """The output cell ``(row, col)`` a click on the sweep figure selected, or None.

    ``state`` is the chart's selection state; the figure's click layer gives
    each point ``customdata = [row, col]``, which reaches Python as a list or,
    from a numpy array, as ``{"0": row, "1": col}``. Other points are skipped.
    """
    points = ((state or {}).get("selection") or {}).get("points") or []
    for point in points:
        cell = point.get("customdata")
        if isinstance(cell, dict):  # a numpy customdata arrives as {"0": row, "1": col}
            cell = [cell.get("0"), cell.get("1")]
        try:
            row, col = (int(v) for v in cell)
        except (TypeError, ValueError):
            continue
        return row, col
    return None


def remember_click(chart=SWEEP_CHART, focus=FOCUS):
    """``on_select`` callback: keep the cell clicked on ``chart`` under ``focus``, which outlives the chart's state.

    A chart whose figure changes is a new widget with an empty selection, so
    the focus is kept under a non-widget key until the next click. Another
    chart passes its own keys: ``on_select=functools.partial(remember_click,
    "my_chart", "_my_focus")``.
    """
    cell = clicked_cell(st.session_state.get(chart))
    if cell is not None:
        st.session_state[focus] = cell


def focus_step(output_shape):
    """The sweep step of the remembered click, or None if it is off this output."""
    cell = st.session_state.get(FOCUS)
    if cell is None or not (0 <= cell[0] < output_shape[0] and 0 <= cell[1] < output_shape[1]):
        return None
    return cell[0] * output_shape[1] + cell[1]


def clear_focus():
    st.session_state.pop(FOCUS, None)


@st.cache_data(max_entries=4, ttl=1800, show_spinner=False)
def _gif_bytes(key, _sweep, _plane):
    return sweep_gif(_sweep, _plane)


def gif_maker(sweep, grid, pool_settings):
    """A no-argument function giving the sweep's GIF, for ``st.download_button(data=...)``.

    The GIF is only drawn when the user asks for it (Streamlit calls the
    function on click) and is cached on a hash of the grid and the settings.
    """
    grid = np.asarray(grid)
    key = images.sha256_key(grid.astype(np.float64).tobytes(), grid.shape, pool_settings)
    return lambda: _gif_bytes(key, sweep, grid)


# ------------------------------------------------------ the feature-map stage

DEFAULT_FILTERS = ("sobel-v", "sobel-h", "laplacian", "gabor-45")
DEFAULT_KERNEL = "1 1 1\n0 0 0\n-1 -1 -1"
_KERNEL_OK = "_fm_kernel_ok"  # the last typed kernel that parsed


@dataclass(frozen=True, eq=False)
class FilterChoice:
    """The Feature maps page's chosen filters, with their labels, kernels, bias and detection threshold."""

    keys: tuple
    labels: tuple
    kernels: tuple  # (k, k) ndarrays
    kernel_text: str  # the typed kernel in use ("" when it is not chosen)
    bias: float
    threshold: float


def filter_bank_ui():
    """Draw the filter controls (bank, a typed kernel, bias, threshold); return a :class:`FilterChoice`."""
    keys = st.multiselect("Filters (up to six)", list(FILTER_LABELS), default=DEFAULT_FILTERS, key="fm_filters",
                          format_func=FILTER_LABELS.get, max_selections=6)
    left, right = st.columns(2)
    bias = left.slider("Bias: responses weaker than −bias become 0 after ReLU", -0.5, 0.0, -0.05, 0.01,
                       key="fm_bias")
    threshold = right.slider("Detection threshold: a value above it is a detection", 0.01, 1.0, 0.2, 0.01,
                             key="fm_threshold")
    text = ""
    if CUSTOM in keys:
        typed = st.text_area("Your kernel: 3 × 3 or 5 × 5 numbers, one row per line", DEFAULT_KERNEL,
                             key="fm_kernel", height=130)
        try:
            parse_kernel(typed)
            st.session_state[_KERNEL_OK] = typed
        except ValueError as err:
            st.error(plain(f"{err} The last kernel that worked stays in use."))
        text = st.session_state.get(_KERNEL_OK, DEFAULT_KERNEL)
    kernels = tuple(parse_kernel(text) if k == CUSTOM else BANK[k].weights for k in keys)
    return FilterChoice(tuple(keys), tuple(FILTER_LABELS[k] for k in keys), kernels, text, float(bias),
                        float(threshold))



# Big arrays go back to the system when freed, and threads share two malloc arenas (poolinglab.memory).
return_freed_memory()

# What is loaded by now (Streamlit, plotly, pandas, pyarrow, numpy, this app) lives as long as the server.
# Moving it out of the garbage collector's generations makes each full collection scan only what came
# later: 150 ms down to under 1 ms here, a stall that hit every session's rerun at once.
gc.freeze()
