"""Information loss: which input cells a pooling keeps, and how well the image comes back from its output."""

from functools import partial

import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from figures import loss as loss_figures
from pooling.analysis.noise import value_range
from poolinglab.intake.images import sha256_key
from poolinglab.refusal import Refusal
from poolinglab.words import loss as loss_words
from poolinglab.words.shown import block_words, shrunk_size
from widgets.cache import shared
from widgets.context import working_copy
from widgets.controls import copy_note, crop_ui, plane_select, require_layer
from widgets.downloads_input import download_buttons
from widgets.labels import MODE_LABELS
from widgets.loss_parts import psnr_curves, views_and_figures
from widgets.pictures import WIDTH as PICTURE_WIDTH
from widgets.pictures import show_figure
from widgets.sidebar import sidebar
from widgets.text import plain

VIEW_SIDE = 1024  # error maps kept in the cache for display are block means at most this long
# Photos and error maps are sent as block means at most this long, and the page says so: an error map's figure is
# 450 pixels high, its image about 390, a picture at most 480 across, and a 512 px photo goes as 256 px (a quarter
# of the bytes and of the encoding).
SHOW_SIDE = 300
# A bigger photo is pooled as a copy this size: pooling, rebuilding and comparing a 12 MP photo three ways took 4 s
# and 1.2 GB, a 1024 px copy three times a 512 px photo's move, and a 768 px copy's kernel move 2.0-2.9 times the
# one-slider app's (bench/bench_server.py --full-size). What is shown is at most SHOW_SIDE across, and the survival
# crop CROP cells wide, so a 512 px copy, the default working size, shows as much. The downloads use every pixel.
WORK_SIDE = 512
CROP = 48  # the survival map is shown cell by cell on a crop this wide: block means would blur it to a constant
CHART_SIDE = 512  # the PSNR chart pools at most this long an image


@st.fragment
def _chart_section(lab):
    st.subheader("PSNR against kernel size")
    modes = st.multiselect("Modes on the chart", list(loss_figures.PSNR_LABELS), default=["max", "min", "avg", "mixed"],
                           format_func=loss_figures.PSNR_LABELS.get, key="loss_chart_modes")
    planes, f = loss_figures.psnr_input(lab.planes, side=CHART_SIDE)
    if f > 1:
        st.caption(loss_words.chart_input_words(f, planes.shape[1:], lab.planes.shape[1:]))
    kernels = tuple(range(2, min(8, *planes.shape[1:]) + 1))
    if not kernels or not modes:
        st.info("Pick a mode, on an image at least 2 × 2, to draw the chart.")
        return
    key = sha256_key(lab.key.encode(), planes.shape)
    curves, drawn, refused = psnr_curves(key, planes, modes, lab.settings, kernels)
    for mode, reason in refused.items():
        st.caption(plain(f"{loss_figures.PSNR_LABELS[mode]} is left off the chart: {reason}"))
    if not curves:
        return
    # The chart sweeps its own kernels: its key names the image, each line's mode and options, and no layer
    # setting, so moving the sidebar's kernel finds it built.
    chart = shared((key, "psnr chart", tuple(drawn), kernels), partial(
        loss_figures.psnr_chart, kernels, curves, labels=loss_figures.PSNR_LABELS))
    st.plotly_chart(chart, key="loss_psnr_chart")
    st.caption(loss_words.psnr_caption(kernels))


@st.fragment
def _survival_section(survival, channel, key, dimmed, dimmed_words):
    """The sidebar layer's shares of discarded, kept and reused cells, a crop of its survival map, the dimmed image.

    ``survival`` is the layer's view, with every plane's survival map; ``channel`` the plane drawn and ``key`` what
    names its map. ``dimmed`` is the dimmed photo's picture, or None, and ``dimmed_words`` what the page says about
    its size.
    """
    counts = survival["survival"][channel]
    st.write(loss_words.survival_words(survival["picks"]))
    names = ("Discarded (used by no output)", "Kept", "Reused (2 or more outputs)")
    for place, name, share in zip(st.columns(3), names, (1 - survival["kept"], survival["kept"], survival["reused"])):
        place.metric(name, f"{share:.1%}")
    st.caption("Shares over every cell of every plane; each plane is pooled on its own.")
    left, right = st.columns(2)
    top, start, rows, cols = crop_ui(counts.shape, CROP, keys=("loss_crop_top", "loss_crop_left"), place=left)
    left.plotly_chart(shared((key, top, start), partial(
        loss_figures.survival_crop, counts, top, start, rows, cols, most=survival["most"][channel])),
        key="loss_survival_map")
    left.caption("Heatmap of a crop, cell by cell: dark cells were discarded; bright cells were used by the most "
                 "outputs. Hover a cell for its count.")
    if dimmed is not None:
        show_figure(right, dimmed, "loss_dimmed", alt="The image with every discarded cell dimmed",
                    title="Discarded cells dimmed")
        right.caption(f"The whole image with every discarded cell at a quarter of its brightness. {dimmed_words}"
                      .strip())


chosen = sidebar()
lab = working_copy(chosen, WORK_SIDE)
st.title("Information loss")
st.write("**The claim:** pooling keeps the important part of an image and throws away only the rest.")
st.write("Below: which input cells your layer keeps, how close the image comes back from the pooled output "
         "alone, and how fast that falls as the window grows. Set the layer and pick the image in the sidebar.")

c, h, w = lab.planes.shape
copy_note(chosen, lab, "This page pools", "pooling, rebuilding and comparing every pixel three ways would keep you "
          "waiting", full_parts="The downloads at the bottom use every pixel.")
require_layer(lab, (h, w), advice="The chart below does not use it.", otherwise=partial(_chart_section, lab))
channel = plane_select(c, key="loss_channel", label="Plane for the survival map")
# Its key leaves out the survival map's plane: picking another plane finds everything built.
views, figures = views_and_figures(lab.cache_key(), lab.planes, lab.settings, value_range(lab.planes), side=VIEW_SIDE,
                                   photo_side=SHOW_SIDE)
mode = lab.settings.mode
recon = {m: views[m] for m in loss_figures.RECON_NAMES if not isinstance(views[m], Refusal)}
block, shown = shrunk_size((h, w), SHOW_SIDE)
photo_words = partial(block_words, (h, w), shown, block, why=f"an image here is shown at most about {PICTURE_WIDTH} "
                      "pixels across, and sending every pixel of five images on each change would keep you waiting",
                      full_parts="An image's full-screen button shows the blocks; the survival crop and the downloads "
                      "have every pixel.")
st.subheader(f"Survival map: {MODE_LABELS[mode]} pooling")
if isinstance(views[mode], Refusal):
    st.error(plain(f"{MODE_LABELS[mode]} pooling cannot pool this image: {views[mode]}. "
                           "Max and average pooling below, and the chart, do not need it."))
else:
    _survival_section(views[mode], channel, lab.cache_key(channel, "survival"), figures.get("dimmed"),
                      photo_words("The dimmed photo is"))

st.subheader("Reconstruction from the pooled output")
st.write("Max-unpooling puts each output back on the cell it came from and zeros elsewhere; average spreads "
         "each output over its whole window. PSNR = 10 log10(range² / MSE), range 255 for photos and the "
         "numbers' span for typed numbers: higher is closer, +10 dB is a tenth of the squared error, "
         "and it is infinite when the reconstruction is exact.")
for column, (m, view) in zip(st.columns(2), recon.items()):
    show_figure(column, figures["recon", m], f"loss_recon_{m}", alt=f"{loss_figures.RECON_NAMES[m]}: the image "
                "rebuilt from the pooled output", title=loss_figures.RECON_NAMES[m])
    column.plotly_chart(figures["error", m], key=f"loss_error_{m}")
    column.text(loss_words.psnr_text(view["mse"], view["psnr"]))
if len(recon) == 2:
    st.write(loss_words.closer_words(recon["max"]["psnr"], recon["avg"]["psnr"]))
st.caption(("The error maps show |input − reconstruction| averaged over the planes, on one colour scale. "
            + photo_words("The reconstructions and error maps are")).strip())

_chart_section(lab)

st.subheader("Downloads")
selecting = not isinstance(views[mode], Refusal) and views[mode]["selecting"]
st.caption(loss_words.indices_caption(mode, selecting))
refused = {m for m, view in views.items() if isinstance(view, Refusal)}
# Every pixel of the chosen image, not of the copy the page pools (they are the same below WORK_SIDE).
download_buttons(chosen, channel, mode=mode, selecting=selecting, refused=refused, key_prefix="loss_dl")
