"""What the labs measure with the core: each analysis is numpy on top of :mod:`pooling`'s layers.

================ ===============================================================
module           what it measures
================ ===============================================================
``loss``         what pooling discards: survival map, reconstructions, PSNR
``invariance``   how the output changes when the input shifts
``noise``        how noise in the input moves the pooled output
``stacking``     rounds of pooling, each deep cell traced to its source pixel
``sweep``        the window-by-window steps the animation draws
``compare``      several modes on one image: fringes, differences, zoom, cost
``features``     a convolution's feature maps, pooled, and their detections
``lp``           Lp pooling between the window's sum and its max
``ranges``       the value ranges that scales and noise levels are read against
``crops``        centre crops, so a large photo is tested where it matters
================ ===============================================================

Like the rest of the core, nothing here imports more than numpy, and the
functions return data, never pictures or sentences.
"""
