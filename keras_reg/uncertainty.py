"""Monte Carlo dropout (Gal & Ghahramani, "Dropout as a Bayesian
Approximation", ICML 2016)."""

import keras
import numpy as np

from keras_reg import _validation
from keras_reg._compat import models as _compat
from keras_reg.layers._base import DropoutBase

# Keras's own dropout-family layers (the Spatial variants subclass Dropout).
_KERAS_DROPOUT_LAYERS = (
    keras.layers.Dropout,
    keras.layers.AlphaDropout,
    keras.layers.GaussianDropout,
    keras.layers.SpatialDropout1D,
    keras.layers.SpatialDropout2D,
    keras.layers.SpatialDropout3D,
)


def dropout_layers(model):
    """The dropout-family layers in ``model`` (keras_reg's and Keras's)."""
    return [
        layer
        for layer in _compat.flatten_layers(model)
        if isinstance(layer, (DropoutBase, *_KERAS_DROPOUT_LAYERS))
    ]


def mc_predict(model, x, samples=30, batch_size=None):
    """Predictive mean and standard deviation by Monte Carlo dropout.

    Runs ``samples`` stochastic forward passes in which **only** the
    dropout-family layers (keras_reg's and Keras's ``Dropout``,
    ``SpatialDropout*``, ``AlphaDropout``, ``GaussianDropout``) are in
    training mode. Everything else, BatchNormalization in particular, stays in
    inference mode, so moving statistics are neither used from the batch nor
    updated (``model(x, training=True)`` would do both).

        mean = (1/T) Σ_t f_t(x),   std = sqrt((1/T) Σ_t (f_t(x) - mean)²)

    ``std`` is the population standard deviation over the ``T`` passes. A
    model without dropout layers gives ``std == 0``.

    Args:
        model: a built Keras model.
        x: inputs (a NumPy array or backend tensor; a structure of them for
            multi-input models).
        samples: number of stochastic passes ``T`` (>= 1).
        batch_size: if given, each pass runs in batches of this size.

    Returns:
        ``(mean, std)``, NumPy arrays of the model's output shape.

    Example:

    >>> mean, std = keras_reg.uncertainty.mc_predict(model, x_test, samples=30)
    >>> uncertain = std.max(axis=-1) > 0.2
    """
    samples = _validation.check_positive_int(samples, "samples")
    if batch_size is not None:
        batch_size = _validation.check_positive_int(batch_size, "batch_size")
    flat = keras.tree.flatten(x)
    n = int(flat[0].shape[0])
    step = batch_size or n

    def one_pass():
        outputs = []
        for start in range(0, n, step):
            window = slice(start, start + step)
            batch = keras.tree.map_structure(lambda a, w=window: a[w], x)
            y = model(batch, training=False)
            outputs.append(keras.ops.convert_to_numpy(y))
        return np.concatenate(outputs, axis=0)

    with _compat.forced_training(dropout_layers(model)):
        draws = np.stack([one_pass() for _ in range(samples)])
    # Accumulate in float64: identical passes then give a std of exactly 0.
    wide = draws.astype("float64")
    mean, std = wide.mean(axis=0), wide.std(axis=0)
    return mean.astype(draws.dtype), std.astype(draws.dtype)
