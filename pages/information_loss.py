"""Information loss: which input cells a pooling keeps, and how well the image comes back from its output."""

from functools import partial

import numpy as np
import streamlit as st

import widgets
from pooling import pool2d
from pooling.figures import loss as loss_figures
from pooling.figures.image import image_figure
from pooling.figures.maps import map_figure
from pooling.images import sha256_key
from pooling.loss import psnr_by_kernel
from pooling.noise import value_range
from pooling.settings import pool_options

VIEW_SIDE = 1024  # arrays kept in the cache for display are block means at most this long
CROP = 48  # the survival map is shown cell by cell on a crop this wide: block means would blur it to a constant
CHART_SIDE = 512  # the PSNR chart pools at most this long an image
RECON_NAMES = {"max": "Max-unpool", "avg": "Average spread back"}


@widgets.shared_cache
def _views(key, _planes, pool_settings, channel):
    """:func:`loss_view` of the sidebar's layer and of max and avg with its window, or the core's reason it refused."""
    views = {}
    for mode in dict.fromkeys((pool_settings.mode, "max", "avg")):
        try:
            result = pool2d(_planes, mode, **pool_options(pool_settings, mode=mode))
            # Only the layer's own mode shows its survival map and dimmed photo.
            views[mode] = loss_figures.loss_view(result, channel=channel, side=VIEW_SIDE,
                                                 survival=mode == pool_settings.mode)
        except ValueError as err:  # stochastic pooling of negative numbers: the other modes still show
            views[mode] = str(err)
    return views


@widgets.shared_cache
def _file(key, name, _planes, pool_settings, mode, channel):
    """One download's bytes at full resolution, made when the user asks for it."""
    result = pool2d(_planes, mode, **pool_options(pool_settings, mode=mode))
    return loss_figures.download_bytes(name, result, channel=channel)


@widgets.shared_cache
def _curve(key, _planes, mode, options, data_range, kernels):
    return psnr_by_kernel(_planes, modes=(mode,), kernels=kernels, data_range=data_range,
                          options={mode: dict(options)})[mode]


@st.fragment
def _chart_section(lab):
    st.subheader("PSNR against kernel size")
    modes = st.multiselect("Modes on the chart", list(loss_figures.PSNR_LABELS), default=["max", "min", "avg", "mixed"],
                           format_func=loss_figures.PSNR_LABELS.get, key="loss_chart_modes")
    planes, f = loss_figures.psnr_input(lab.planes, side=CHART_SIDE)
    if f > 1:
        st.caption(f"To stay fast, the chart pools your image shrunk {f} times (block means), "
                   f"{planes.shape[1]} × {planes.shape[2]}; the maps above use it at full working size.")
    kernels = tuple(range(2, min(8, *planes.shape[1:]) + 1))
    if not kernels or not modes:
        st.info("Pick a mode, on an image at least 2 × 2, to draw the chart.")
        return
    key = sha256_key(lab.key.encode(), planes.shape)
    curves, drawn = {}, []
    for mode in modes:
        options = loss_figures.psnr_options(mode, pool_options(lab.settings, mode=mode))
        try:
            curves[mode] = _curve(key, planes, mode, options, 255.0 if planes.dtype == np.uint8 else None, kernels)
            drawn.append((mode, options))
        except ValueError as err:
            st.caption(widgets.plain(f"{loss_figures.PSNR_LABELS[mode]} is left off the chart: {err}"))
    if not curves:
        return
    # The chart sweeps its own kernels: its key names the image, each line's mode and options, and no layer
    # setting, so moving the sidebar's kernel finds it built.
    chart = widgets.shared((key, "psnr chart", tuple(drawn), kernels), partial(
        loss_figures.psnr_chart, kernels, curves, labels=loss_figures.PSNR_LABELS))
    st.plotly_chart(chart, key="loss_psnr_chart")
    st.caption(loss_figures.psnr_caption(kernels))


@st.fragment
def _survival_section(survival, h, w, key, photo_key):
    """The sidebar layer's shares of discarded, kept and reused cells, a crop of its survival map, the dimmed image.

    ``key`` names the survival map (its plane included); ``photo_key`` the dimmed photo, which shows every plane.
    """
    st.write(loss_figures.survival_words(survival["picks"]))
    names = ("Discarded (used by no output)", "Kept", "Reused (2 or more outputs)")
    for place, name, share in zip(st.columns(3), names, (1 - survival["kept"], survival["kept"], survival["reused"])):
        place.metric(name, f"{share:.1%}")
    st.caption("Shares over every cell of every plane; each plane is pooled on its own.")
    left, right = st.columns(2)
    rows, cols = min(CROP, h), min(CROP, w)
    for name, room in (("loss_crop_top", h - rows), ("loss_crop_left", w - cols)):  # another image may be smaller
        st.session_state[name] = min(int(st.session_state.get(name, room // 2)), max(room, 0))
    top = left.slider("Crop: top row", 0, h - rows, key="loss_crop_top") if h > rows else 0
    start = left.slider("Crop: left column", 0, w - cols, key="loss_crop_left") if w > cols else 0
    crop = survival["survival"][top:top + rows, start:start + cols]
    left.plotly_chart(widgets.shared((key, top, start), partial(
        map_figure, crop, title=f"Outputs per input cell, rows {top}–{top + rows - 1}, columns {start}–"
        f"{start + cols - 1}", zmin=0, zmax=max(survival["most"], 1), colorbar_title="outputs", value_format="d")),
        key="loss_survival_map")
    left.caption("Heatmap of a crop, cell by cell: dark cells were discarded; bright cells were used by the most "
                 "outputs. Hover a cell for its count.")
    if survival["dimmed"] is not None:
        right.plotly_chart(widgets.shared(photo_key, partial(
            image_figure, survival["dimmed"], title="Discarded cells dimmed", max_side=640,
            # uint8 pixels are shown as they are: scaling them from 0-255 to 0-255 gives the same pixels, slower
            value_range=None if survival["dimmed"].dtype == np.uint8 else (0, 255))),
            key="loss_dimmed")
        right.caption("The whole image with every discarded cell at a quarter of its brightness.")


lab = widgets.sidebar()
st.title("Information loss")
st.write("**The claim:** pooling keeps the important part of an image and throws away only the rest.")
st.write("Below: which input cells your layer keeps, how close the image comes back from the pooled output "
         "alone, and how fast that falls as the window grows. Set the layer and pick the image in the sidebar.")

c, h, w = lab.planes.shape
if not widgets.check_layer(lab, (h, w)):
    st.warning("This layer cannot pool this image: the sidebar says why. The chart below does not use it.")
    _chart_section(lab)
    st.stop()
channel = st.selectbox("Plane for the survival map", range(c), key="loss_channel",
                       format_func=("red", "green", "blue").__getitem__) if c == 3 else 0
views = _views(lab.cache_key(channel), lab.planes, lab.settings, channel)
mode = lab.settings.mode
st.subheader(f"Survival map: {widgets.MODE_LABELS[mode]} pooling")
if isinstance(views[mode], str):
    st.error(widgets.plain(f"{widgets.MODE_LABELS[mode]} pooling cannot pool this image: {views[mode]}. "
                           "Max and average pooling below, and the chart, do not need it."))
else:
    _survival_section(views[mode], h, w, lab.cache_key(channel, "survival"), lab.cache_key("dimmed"))

st.subheader("Reconstruction from the pooled output")
st.write("Max-unpooling puts each output back on the cell it came from and zeros elsewhere; average spreads "
         "each output over its whole window. PSNR = 10 log10(range² / MSE), range 255 for photos and the "
         "numbers' span for typed numbers: higher is closer, +10 dB is a tenth of the squared error, "
         "and it is infinite when the reconstruction is exact.")
recon = {m: views[m] for m in ("max", "avg") if not isinstance(views[m], str)}
worst = max((float(v["error"].max()) for v in recon.values()), default=0.0) or 1.0
for column, (m, view) in zip(st.columns(2), recon.items()):
    # Reconstructions and errors show every plane: their keys leave out the survival map's plane, so picking
    # another plane finds them built.
    column.plotly_chart(widgets.shared(lab.cache_key("recon", m), partial(
        image_figure, view["recon"], title=RECON_NAMES[m], value_range=value_range(lab.planes), max_side=640)),
        key=f"loss_recon_{m}")
    column.plotly_chart(widgets.shared(lab.cache_key("error", m, worst), partial(
        map_figure, view["error"], title=f"{RECON_NAMES[m]}: |error|", zmin=0, zmax=worst, colorbar_title="|error|")),
        key=f"loss_error_{m}")
    column.text(loss_figures.psnr_text(view["mse"], view["psnr"]))
if len(recon) == 2:
    st.write(loss_figures.closer_words(recon["max"]["psnr"], recon["avg"]["psnr"]))
st.caption("The error maps show |input − reconstruction| averaged over the planes, on one colour scale.")

_chart_section(lab)

st.subheader("Downloads")
selecting = not isinstance(views[mode], str) and views[mode]["selecting"]
st.caption(f"Indices: PyTorch's flat index row × width + column of each output's source cell, from "
           f"{mode if selecting else 'max'} pooling with your window. CSV files: a header line, then one line per "
           "row of each plane (columns channel, row, then one per column).")
refused = {m for m, view in views.items() if isinstance(view, str)}
for place, (name, mime, source) in zip(st.columns(3) * 3, loss_figures.download_plan(mode=mode, selecting=selecting,
                                                                                      refused=refused)):
    key = lab.cache_key(channel, name, source)
    place.download_button(name, data=lambda key=key, name=name, source=source: _file(
        key, name, lab.planes, lab.settings, source, channel), file_name=name, mime=mime, key=f"loss_dl_{name}",
        on_click="ignore")
