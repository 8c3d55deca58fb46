"""The dropout family: layers that randomly drop or perturb activations."""

from keras_reg.layers.alpha_dropout import AlphaDropout
from keras_reg.layers.drop_block import DropBlock2D
from keras_reg.layers.drop_path import DropPath, StochasticDepth, drop_path_rates
from keras_reg.layers.dropout import Dropout
from keras_reg.layers.gaussian_dropout import GaussianDropout
from keras_reg.layers.spatial_dropout import (
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)

__all__ = [
    "AlphaDropout",
    "DropBlock2D",
    "DropPath",
    "Dropout",
    "GaussianDropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "StochasticDepth",
    "drop_path_rates",
]
