"""The floor: the cheapest Streamlit app with one slider, to measure the lab's reruns against.

Whatever a rerun of this app costs (a websocket round trip, a script run,
a few small messages) is what every Streamlit rerun costs; what a lab page
costs above it is the page's own work. ``bench/bench_server.py`` runs it beside
the lab, from the repository root so that the same ``.streamlit/config.toml``
applies, and moves the slider by its key, ``floor_value``.
"""

import streamlit as st

st.write(st.slider("Value", 0, 100, 50, key="floor_value"))
