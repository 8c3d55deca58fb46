"""The dropout family as functions, for use in any layer's ``call``.

Each function always applies (there is no ``training`` argument: the caller
decides, as keras_reg's layers do, which call these) and takes ``seed`` as an
int, a ``keras.random.SeedGenerator`` or ``None``, with ``keras.random``'s
rules. On every backend, for the same seed state, a function returns what
the matching keras_reg layer returns in training.
"""

from keras_reg.ops._alpha_dropout import alpha_dropout
from keras_reg.ops._drop_block import drop_block_2d
from keras_reg.ops._drop_path import drop_path
from keras_reg.ops._dropout import dropout
from keras_reg.ops._gaussian_dropout import gaussian_dropout
from keras_reg.ops._spatial_dropout import spatial_dropout

__all__ = [
    "alpha_dropout",
    "drop_block_2d",
    "drop_path",
    "dropout",
    "gaussian_dropout",
    "spatial_dropout",
]
