"""Pooling Lab's own logic, without Streamlit or plotly: what the app needs beyond the numpy core.

The settings of a pooling layer and their checks (``settings``), links that
carry them (``links``), image intake (``intake/``), sentences computed from
numbers (``words/``), the layer as PyTorch and Keras code (``layer_code``),
formulas (``formulas``), the filter bank (``filters``), tokens for pooling
over time (``tokens``), file exports (``export``), one form for a mode that
cannot pool an input (``refusal``), and the byte-bounded cache that every
session shares (``cache``, ``memory``).
"""
