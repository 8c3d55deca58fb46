"""scikit-learn's bundled 8x8 digits (no download), scaled to [0, 1] and
shuffled with a fixed seed; shared by the examples."""

import numpy as np
from sklearn.datasets import load_digits


def shuffled_digits(seed=0, images=False):
    """``(x, y)``: x float32 of shape (1797, 64), or (1797, 8, 8, 1) with
    ``images=True``; y int32 labels."""
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    if images:
        x = x.reshape(-1, 8, 8, 1)
    order = np.random.default_rng(seed).permutation(len(x))
    return x[order], y[order].astype("int32")
