"""What the widgets call things: the labels of every choice, and the session-state keys more than one module reads."""

from poolinglab.filters import BANK, CUSTOM

UPLOAD_ASKED = "_upload_asked"  # the link said source=upload and this session holds no upload yet
IN_FRAME = "_in_frame"  # app.py ran in this session: every page runs inside its st.navigation frame

MODE_LABELS = {
    "max": "Max", "min": "Min", "avg": "Average", "lp": "Lp (p-norm)",
    "stochastic": "Stochastic", "mixed": "Mixed (max and average)",
}
SOURCE_LABELS = {"sample": "Sample", "upload": "Upload", "grid": "Numbers"}
COLOR_LABELS = {"rgb": "RGB (3 planes)", "gray": "Grey", "red": "Red only", "green": "Green only", "blue": "Blue only"}
PADDING_LABELS = {"number": "cells", "valid": "valid", "same": "same"}
SWEEP_LABELS = {"random": "Random", "typed": "Typed", "crop": "Crop of the image", "feature": "Crop of a feature map"}
FILTER_LABELS = {**{key: f.label for key, f in BANK.items()}, CUSTOM: "Your own kernel (typed)"}
PLANE_NAMES = ("red", "green", "blue")  # a photo's planes, in order
