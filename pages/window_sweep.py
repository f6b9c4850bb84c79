"""Window Sweep: one pooling window moves over a small grid, and the output fills cell by cell."""

from functools import partial

import numpy as np
import streamlit as st

import widgets  # noqa: F401  # the whole app, loaded once before any submodule: see widgets/__init__.py
from figures import sweep_figure
from pooling import sweep_steps
from widgets.cache import shared
from widgets.clicks import SWEEP_CHART, clear_focus, focus_step, remember_click
from widgets.layer_input import layer_summary, pool_or_explain
from widgets.sidebar import sidebar
from widgets.sweep_input import crop_preview_ui, gif_maker, sweep_input_ui

lab = sidebar()

st.title("Window Sweep")
st.write(
    "The window starts at the top left and moves by the stride, row by row. At each step it writes one "
    "output cell. Press Play, drag the step slider, or click an output cell to light its window."
)

spec, grid = sweep_input_ui(lab.planes, lab.key)
crop_preview_ui(lab, spec, grid.shape, key="sweep_crop_preview")

result = pool_or_explain(lab, grid)
if result is None:
    layer_summary(lab, grid.shape)
    st.stop()
sweep = sweep_steps(result)
focus = focus_step(sweep.output_shape)

grid = np.asarray(grid)
fig = shared(lab.cache_key("sweep", grid.tobytes(), grid.shape, str(grid.dtype), focus),
                     partial(sweep_figure, sweep, grid, focus_step=focus))
st.plotly_chart(fig, key=SWEEP_CHART, on_select=remember_click, selection_mode="points",
                alt="Animated window sweep: the pooling window moves over the input grid and fills the output")

if focus is not None:
    st.text(sweep.describe(focus))
    st.button("Back to the animation", key="sweep_clear_focus", on_click=clear_focus)

st.download_button("Download the sweep as a GIF", data=gif_maker(sweep, grid, lab.settings),
                   file_name="window-sweep.gif", mime="image/gif", key="sweep_gif", on_click="ignore")

layer_summary(lab, grid.shape)

with st.expander(f"Every step in words ({len(sweep)} steps)"):
    st.markdown("\n".join(f"- {line}" for line in sweep.descriptions()))
