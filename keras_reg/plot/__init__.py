"""Figures: learning curves with early-stopping marks, augmentation grids.

matplotlib is optional and imported on first use, so ``import keras_reg``
does not load it.
"""

from keras_reg.plot.curves import learning_curves
from keras_reg.plot.grid import augmentation_grid

__all__ = ["augmentation_grid", "learning_curves"]
