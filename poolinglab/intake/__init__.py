"""Image intake: everything between a user's file (or sample, or typed numbers) and the planes the core pools.

================ ===============================================================
module           what it does
================ ===============================================================
``images``       decode an upload safely: size, format and pixel limits, EXIF
``pillow_modes`` Pillow's image modes (L, RGBA, I;16, ...) to 8-bit RGB
``planes``       the working size and colour: ``(C, H, W)`` planes
``grid_text``    small grids of numbers the user types, and back to text
``samples``      the sample photos and patterns in ``assets/``
``errors``       ``ImageError``: every intake problem, in words
================ ===============================================================

It uses numpy and Pillow, never Streamlit or plotly.
"""
