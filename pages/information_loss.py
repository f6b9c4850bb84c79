"""Information loss: which input cells a pooling keeps, and how well the image comes back from its output."""

from dataclasses import replace

import numpy as np
import streamlit as st

import widgets
from pooling import export, pool2d, settings
from pooling.figures.image import image_figure
from pooling.figures.loss import dim_discarded, map_png, psnr_chart
from pooling.figures.maps import block_mean, map_figure
from pooling.images import sha256_key
from pooling.loss import information_loss, psnr_by_kernel

VIEW_SIDE = 1024  # arrays kept in the cache for display are block means at most this long
CROP = 48  # the survival map is shown cell by cell on a crop this wide: block means would blur it to a constant
CHART_SIDE = 512  # the PSNR chart pools at most this long an image
CHART_MODES = {"max": "Max", "min": "Min", "avg": "Average", "lp": "Lp (your p)",
               "stochastic": "Stochastic (expected value)", "mixed": "Mixed (your alpha)"}
SELECTS = ("max", "min")  # stochastic selects too, when it samples


def _options(pool_settings, mode):
    """pool2d's keyword arguments for the sidebar's window with ``mode`` (and the sidebar's options for it)."""
    return settings.pool_options(replace(pool_settings, mode=mode))


def _selects(pool_settings):
    return pool_settings.mode in SELECTS or (pool_settings.mode == "stochastic" and pool_settings.train)


@st.cache_data(**widgets.CACHE)
def _views(key, _planes, pool_settings, channel):
    """Numbers and display-sized maps of the sidebar's layer and of max and avg with its window."""
    views = {}
    for mode in dict.fromkeys((pool_settings.mode, "max", "avg")):
        loss = information_loss(pool2d(_planes, mode, **_options(pool_settings, mode)))
        views[mode] = {
            "mse": loss.mse, "psnr": loss.psnr, "kept": loss.kept_fraction, "reused": loss.reused_fraction,
            "survival": loss.survival[channel].astype(np.uint16),  # at most 32 * 32 windows reuse a cell
            "most": int(loss.survival[channel].max()),
            "error": block_mean(loss.loss_map.mean(axis=0), VIEW_SIDE)[0].astype(np.float32),
            "recon": block_mean(loss.reconstruction, VIEW_SIDE)[0].astype(np.float32),
            "dimmed": block_mean(dim_discarded(_planes, loss.survival), VIEW_SIDE)[0] if _planes.dtype == np.uint8
            else None,
        }
    return views


@st.cache_data(**widgets.CACHE)
def _file(key, name, _planes, pool_settings, channel):
    """One download's bytes at full resolution, made when the user asks for it."""
    what, mode = name.split(".")[0], pool_settings.mode
    if what.startswith(("error", "reconstruction")):
        what, mode = what.rsplit("-", 1)
    elif what == "indices" and not _selects(pool_settings):
        mode = "max"
    result = pool2d(_planes, mode, **_options(pool_settings, mode))
    if name.startswith("indices"):
        idx = result.indices
        return export.csv_text(idx, value_name="index") if name.endswith("csv") else export.npy_bytes(idx)
    loss = information_loss(result)
    if name.startswith("survival"):
        if name.endswith("png"):
            return map_png(loss.survival[channel], zmin=0)
        return export.csv_text(loss.survival, value_name="count") if name.endswith("csv") else \
            export.npy_bytes(loss.survival)
    if name.startswith("error"):
        return map_png(loss.loss_map.mean(axis=0), zmin=0)
    if _planes.dtype == np.uint8:
        return export.png_bytes(np.clip(np.rint(loss.reconstruction), 0, 255).astype(np.uint8))
    return map_png(loss.reconstruction[channel])


@st.cache_data(**widgets.CACHE)
def _curve(key, _planes, mode, options, data_range, kernels):
    return psnr_by_kernel(_planes, modes=(mode,), kernels=kernels, data_range=data_range,
                          options={mode: dict(options)})[mode]


def _chart_section(lab):
    st.subheader("PSNR against kernel size")
    modes = st.multiselect("Modes on the chart", list(CHART_MODES), default=["max", "min", "avg", "mixed"],
                           format_func=CHART_MODES.get, key="loss_chart_modes")
    planes, photo = lab.planes, lab.planes.dtype == np.uint8
    if max(planes.shape[1:]) > CHART_SIDE:
        shrunk, f = block_mean(planes, CHART_SIDE)
        planes = np.rint(shrunk).astype(np.uint8) if photo else shrunk
        st.caption(f"To stay fast, the chart pools your image shrunk {f} times (block means), "
                   f"{planes.shape[1]} × {planes.shape[2]}; the maps above use it at full working size.")
    kernels = tuple(range(2, min(8, *planes.shape[1:]) + 1))
    if not kernels or not modes:
        st.info("Pick a mode, on an image at least 2 × 2, to draw the chart.")
        return
    key = sha256_key(lab.key.encode(), planes.shape)
    curves = {}
    for mode in modes:
        options = _options(lab.settings, mode) if mode in ("lp", "mixed") else {}
        options = {k: v for k, v in options.items() if k in ("p", "alpha")} | ({"train": False} if
                                                                                 mode == "stochastic" else {})
        try:
            curves[mode] = _curve(key, planes, mode, tuple(sorted(options.items())), 255.0 if photo else None,
                                  kernels)
        except ValueError as err:
            st.caption(widgets.plain(f"{CHART_MODES[mode]} is left off the chart: {err}"))
    if not curves:
        return
    st.plotly_chart(psnr_chart(kernels, curves, labels=CHART_MODES), key="loss_psnr_chart")
    st.caption("Line chart: PSNR of each mode's reconstruction (y, dB) for k × k windows with stride k "
               "(x, k from 2 to 8), no padding, the last partial window kept (ceil mode) so every cell counts.")


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
try:
    views = _views(lab.cache_key(channel), lab.planes, lab.settings, channel)
except ValueError as err:
    st.error(widgets.plain(err))
    st.stop()

mode = lab.settings.mode
survival = views[mode]
st.subheader(f"Survival map: {widgets.MODE_LABELS[mode]} pooling")
if _selects(lab.settings):
    st.write("How many outputs picked each input cell: 0 means discarded, 1 kept once, "
             "more than 1 reused by overlapping windows.")
else:
    st.write("This mode picks no cell: every cell of a window with a non-zero weight goes into its output. "
             "So the map counts the windows that use each cell, and 0 marks cells no window uses "
             "(edges that floor rounding cuts off, gaps when the stride is longer than the kernel, "
             "and zero cells that Lp and stochastic weigh 0).")
shares = st.columns(3)
shares[0].metric("Discarded (used by no output)", f"{1 - survival['kept']:.1%}")
shares[1].metric("Kept", f"{survival['kept']:.1%}")
shares[2].metric("Reused (2 or more outputs)", f"{survival['reused']:.1%}")
st.caption("Shares over every cell of every plane; each plane is pooled on its own.")
left, right = st.columns(2)
with left:
    rows, cols = min(CROP, h), min(CROP, w)
    for name, room in (("loss_crop_top", h - rows), ("loss_crop_left", w - cols)):  # another image may be smaller
        if name in st.session_state:
            st.session_state[name] = min(int(st.session_state[name]), max(room, 0))
    top = st.slider("Crop: top row", 0, h - rows, (h - rows) // 2, key="loss_crop_top") if h > rows else 0
    start = st.slider("Crop: left column", 0, w - cols, (w - cols) // 2, key="loss_crop_left") if w > cols else 0
    crop = survival["survival"][top:top + rows, start:start + cols]
    fig = map_figure(crop, title=f"Outputs per input cell, rows {top}–{top + rows - 1}, columns {start}–"
                     f"{start + cols - 1}", zmin=0, zmax=max(survival["most"], 1), colorbar_title="outputs",
                     value_format="d")
    st.plotly_chart(fig, key="loss_survival_map")
    st.caption("Heatmap of a crop, cell by cell: dark cells were discarded; bright cells were used by the most "
               "outputs. Hover a cell for its count.")
if survival["dimmed"] is not None:
    with right:
        st.plotly_chart(image_figure(survival["dimmed"], title="Discarded cells dimmed", value_range=(0, 255),
                                     max_side=640), key="loss_dimmed")
        st.caption("The whole image with every discarded cell at a quarter of its brightness.")

st.subheader("Reconstruction from the pooled output")
st.write("Max-unpooling puts each output back on the cell it came from and zeros elsewhere; average spreads "
         "each output over its whole window. PSNR = 10 log10(range² / MSE), range 255 for photos and the "
         "numbers' span for typed numbers: higher is closer, +10 dB is a tenth of the squared error, "
         "and it is infinite when the reconstruction is exact.")
recon_range = (0, 255) if lab.planes.dtype == np.uint8 else (float(lab.planes.min()), float(lab.planes.max()))
worst = max(float(views[m]["error"].max()) for m in ("max", "avg")) or 1.0
for column, m, name in zip(st.columns(2), ("max", "avg"), ("Max-unpool", "Average spread back")):
    with column:
        st.plotly_chart(image_figure(views[m]["recon"], title=name, value_range=recon_range, max_side=640),
                        key=f"loss_recon_{m}")
        st.plotly_chart(map_figure(views[m]["error"], title=f"{name}: |error|", zmin=0, zmax=worst,
                                   colorbar_title="|error|"), key=f"loss_error_{m}")
        psnr = views[m]["psnr"]
        st.text(f"MSE {views[m]['mse']:.4g}   PSNR " + (f"{psnr:.2f} dB" if np.isfinite(psnr) else "∞ (exact)"))
better = max(("max", "avg"), key=lambda m: views[m]["psnr"])
st.write(f"On this image, {'max-unpool' if better == 'max' else 'average'} comes back closer. "
         "Max keeps a few cells exactly and loses the rest outright; average keeps a blurred trace of every "
         "cell. PSNR measures closeness pixel by pixel, not what a network needs for its task.")
st.caption("The error maps show |input − reconstruction| averaged over the planes, on one colour scale.")

_chart_section(lab)

st.subheader("Downloads")
picks = mode if _selects(lab.settings) else "max"
st.caption(f"Indices: PyTorch's flat index row × width + column of each output's source cell, from {picks} "
           "pooling with your window. CSV files: a header line, then one line per row of each plane "
           "(columns channel, row, then one per column).")
files = [("survival-map.png", "image/png"), ("survival-map.csv", "text/csv"), ("survival-map.npy", None),
         ("indices.csv", "text/csv"), ("indices.npy", None), ("error-max.png", "image/png"),
         ("error-avg.png", "image/png"), ("reconstruction-max.png", "image/png"),
         ("reconstruction-avg.png", "image/png")]
for place, (name, mime) in zip(st.columns(3) * 3, files):
    key = lab.cache_key(channel, name)
    place.download_button(name, data=lambda key=key, name=name: _file(key, name, lab.planes, lab.settings, channel),
                          file_name=name, mime=mime or "application/octet-stream", key=f"loss_dl_{name}",
                          on_click="ignore")
