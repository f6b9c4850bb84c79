"""The app's Streamlit widgets: everything a page draws besides its own figures, one module per concern.

Every page calls :func:`widgets.sidebar.sidebar` first and imports what else
it uses by name from the module that owns it:

=================== ==============================================================
module              what it holds
=================== ==============================================================
``labels``          the labels of every choice; session-state keys shared by modules
``text``            ``plain``: typed or linked text made safe for markdown
``links``           settings from the query string on a first run, and back into it
``cache``           ``RESULTS``, ``shared_cache``, ``shared``, ``frozen``
``workers``         ``page_workers``, ``fresh_workers``, ``make_ahead``: threads that work a page's parts out ahead
``context``         ``PageContext`` (what the sidebar hands a page), ``working_copy``
``registry``        ``PageEntry``/``PAGES`` (the menu), ``link_to_page``
``frame``           ``ensure_frame``: a page runs inside app.py's frame
``image_input``     the image intake and its caches
``layer_input``     the pooling layer's controls, ``check_layer``, ``layer_summary``
``sidebar``         ``sidebar``: the image and the layer, drawn on every page
``controls``        what pages repeat: guards, a remembered slider, a crop corner, a plane pick, a reseed
``clicks``          clicks on a chart's cells, remembered
``pictures``        ``show_figure``, ``show_pictures``: pictures as images drawn cell for cell, or a plotly chart
``sweep_input``     the small grid of the sweep and backward pages, its crop, the GIF
``filters_input``   the Feature maps page's filter bank and its kernels' row
``feature_parts``   the Feature maps page's shift test, sources figure and map pictures, made by worker threads
``gallery_input``   the Alternatives gallery's card and the controls of its seeded sections
``downloads_input`` the Information loss page's download buttons, each file made on demand
``loss_parts``      the Information loss page's views, figures and PSNR curves, kept in the shared store
``noise_input``     the Noise page's kind, level, seed and modes
``shift_input``     the Shift invariance page's shift and modes
``shift_parts``     the Shift invariance page's rows and chart, made by worker threads
``stack_input``     the Stacked pooling page's plane, rounds and deep cell
``compare_parts``   the Max vs Average page's poolings and the parts it draws, for worker threads to make ahead
``zoom_input``      the Max vs Average page's zoom: its region controls and its figure's part
=================== ==============================================================

Importing any of them first runs this file, which sets up the process once.

Every page imports this package whole (``import widgets``) before any submodule of ours. A page opened from its
link runs without app.py, so the first sessions of a class import the app side by side; a thread that began with
a submodule (``from figures.noise import ...``) took that module's lock while another was still running the
package's ``__init__``, which needed it: Python raised ``_DeadlockError`` or handed out a half-built module
(tests/test_burst.py). ``import widgets`` takes one lock first, and loads every layer below it while the other
sessions wait.
"""

import gc

# Streamlit imports pandas and pyarrow lazily, inside st.table and st.dataframe. When a class opens the app at
# once, several script threads make that first import together, and Python hands some of them the half-built
# module ("partially initialized module 'pandas' has no attribute 'Series'"). Importing both here, while this
# package is being imported, makes the first import happen once: the other threads wait on this module's lock.
import pandas  # noqa: F401
import pyarrow  # noqa: F401

from poolinglab.memory import return_freed_memory

# Big arrays go back to the system when freed, and threads share two malloc arenas (poolinglab.memory).
return_freed_memory()

# The whole layer, so that the freeze below covers it.
from widgets import (  # noqa: E402, F401
    cache,
    clicks,
    compare_parts,
    context,
    controls,
    downloads_input,
    feature_parts,
    filters_input,
    frame,
    gallery_input,
    image_input,
    labels,
    layer_input,
    links,
    loss_parts,
    noise_input,
    registry,
    shift_input,
    shift_parts,
    sidebar,
    stack_input,
    sweep_input,
    text,
    workers,
    zoom_input,
)

# What is loaded by now (Streamlit, plotly, pandas, pyarrow, numpy, this app) lives as long as the server.
# Moving it out of the garbage collector's generations makes each full collection scan only what came
# later: 150 ms down to under 1 ms here, a stall that hit every session's rerun at once.
gc.freeze()
