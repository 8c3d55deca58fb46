"""Weight penalties, usable as ``kernel_regularizer=`` on any Keras layer.

After ``import keras_reg`` they are also available by name, e.g.
``kernel_regularizer="keras_reg>L2"``.
"""

from keras_reg._compat import regularizers as _compat
from keras_reg.regularizers.orthogonal import Orthogonal
from keras_reg.regularizers.penalties import L1, L1L2, L2

_compat.register_regularizer_names([L1, L1L2, L2, Orthogonal])

__all__ = ["L1", "L1L2", "L2", "Orthogonal"]
